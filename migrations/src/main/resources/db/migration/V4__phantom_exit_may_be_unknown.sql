-- A phantom's exit may be unknown. A position found closed on the venue while nobody watched is
-- closed with the exit price and PnL the venue's trade history shows; when the history cannot show
-- them, nothing is invented and they stay NULL. Only a PHANTOM close may lack them: every other
-- close is made or seen by us and knows its exit. Everything else of V1's check stands (a CLOSED
-- row has its reason and its time).

ALTER TABLE monitoring.positions DROP CONSTRAINT positions_closed_check;

ALTER TABLE monitoring.positions
    ADD CONSTRAINT positions_closed_check
        CHECK (status <> 'CLOSED'
            OR (closed_at IS NOT NULL AND close_reason IS NOT NULL
                AND ((exit_price IS NOT NULL AND realized_pnl IS NOT NULL)
                     OR close_reason = 'PHANTOM')));
