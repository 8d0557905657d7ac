-- PositionStore.findByEntryOrder reads a position back by the client order id of its entry order
-- (an insert whose commit outcome is unknown is resolved that way). Without an index that read
-- scans every position ever stored. The index is not unique: the column was never declared unique,
-- and a client order id may be used again once its position has ended.

/* [jooq ignore start] */
CREATE INDEX positions_entry_client_order_id_idx
    ON monitoring.positions (entry_client_order_id)
    WHERE entry_client_order_id IS NOT NULL;
/* [jooq ignore stop] */
