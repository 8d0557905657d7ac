-- Accounts: positions, trailing states, signals and events belong to an account, so several
-- accounts share one database without loading or touching each other's rows. Every store is bound
-- to one account and reads and writes only that account's rows. (V9 makes one open position unique
-- per account, exchange and symbol; V10 validates the account checks.)
--
-- On an existing database every row gets the account 'default' (the one account there was).
-- ADD COLUMN with a constant default is instant in PostgreSQL 11+ (the value is kept once in the
-- catalog, not written into each row; no table rewrite); the ACCESS EXCLUSIVE locks it takes are
-- held only for this short transaction, and waiting for them is bounded by the migrator's
-- lock_timeout. The defaults of positions, trailing states and events are then dropped (existing
-- rows keep 'default'): only the stores write those, and a store that forgot its account must fail
-- rather than write into 'default'. Signals keep the default: producers outside this code write
-- them, and go on feeding the 'default' account until they name one. The checks are added NOT
-- VALID (no scan here).

ALTER TABLE monitoring.positions ADD COLUMN account varchar(64) DEFAULT 'default' NOT NULL;
ALTER TABLE monitoring.trailing_stop_state ADD COLUMN account varchar(64) DEFAULT 'default' NOT NULL;
ALTER TABLE monitoring.events ADD COLUMN account varchar(64) DEFAULT 'default' NOT NULL;
ALTER TABLE monitoring.signals ADD COLUMN account varchar(64) DEFAULT 'default' NOT NULL;

/* [jooq ignore start] */
ALTER TABLE monitoring.positions ALTER COLUMN account DROP DEFAULT;
ALTER TABLE monitoring.trailing_stop_state ALTER COLUMN account DROP DEFAULT;
ALTER TABLE monitoring.events ALTER COLUMN account DROP DEFAULT;

-- The model's AccountId. Not on events: the hot table, written only by the journal, whose account
-- is an AccountId already (a regex check costs microseconds per row there).
ALTER TABLE monitoring.positions
    ADD CONSTRAINT positions_account_check CHECK (account ~ '^[A-Za-z0-9._-]{1,64}$') NOT VALID;
ALTER TABLE monitoring.signals
    ADD CONSTRAINT signals_account_check CHECK (account ~ '^[A-Za-z0-9._-]{1,64}$') NOT VALID;

-- A trailing state belongs to an open position of the same account, symbol and side.
CREATE OR REPLACE FUNCTION monitoring.trailing_stop_state_matches_position() RETURNS trigger
    LANGUAGE plpgsql AS
$$
DECLARE
    p monitoring.positions%ROWTYPE;
BEGIN
    SELECT * INTO p FROM monitoring.positions WHERE id = NEW.position_id;
    IF NOT FOUND THEN
        RETURN NEW; -- the foreign key says so, with its own name
    END IF;
    IF p.status NOT IN ('ACTIVE', 'CLOSING') THEN
        RAISE EXCEPTION 'position % is %; a trailing stop is kept for open positions only',
            p.id, p.status
            USING ERRCODE = 'integrity_constraint_violation',
                  CONSTRAINT = 'trailing_stop_state_position_open';
    END IF;
    IF p.symbol <> NEW.symbol OR p.side <> NEW.side OR p.account <> NEW.account THEN
        RAISE EXCEPTION 'trailing stop (% % of account %) does not match position % (% % of account %)',
            NEW.symbol, NEW.side, NEW.account, p.id, p.symbol, p.side, p.account
            USING ERRCODE = 'integrity_constraint_violation',
                  CONSTRAINT = 'trailing_stop_state_matches_position';
    END IF;
    RETURN NEW;
END;
$$;
/* [jooq ignore stop] */
