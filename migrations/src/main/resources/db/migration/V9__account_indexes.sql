-- flyway:executeInTransaction=false
--
-- One open position per account, exchange and symbol, and the account's own entry client order
-- ids and waiting signals. Built CONCURRENTLY (writers go on; hence no transaction, see the
-- directive above), each replacing an index of V1/V6 that is dropped once its successor exists.
-- A leftover INVALID index of a failed earlier run is dropped first.

/* [jooq ignore start] */
-- One open position per account, exchange and symbol (replaces positions_one_open_per_symbol;
-- also the index of loadOpen()).
DROP INDEX CONCURRENTLY IF EXISTS monitoring.positions_one_open_per_account_symbol;
CREATE UNIQUE INDEX CONCURRENTLY positions_one_open_per_account_symbol
    ON monitoring.positions (account, exchange, symbol)
    WHERE status IN ('ACTIVE', 'CLOSING');
DROP INDEX CONCURRENTLY IF EXISTS monitoring.positions_one_open_per_symbol;

-- An entry client order id is the account's own (two accounts may use the same one); the venue's
-- order id and the signal stay unique over the database (V6).
DROP INDEX CONCURRENTLY IF EXISTS monitoring.positions_one_row_per_account_entry_client_order_id;
CREATE UNIQUE INDEX CONCURRENTLY positions_one_row_per_account_entry_client_order_id
    ON monitoring.positions (account, exchange, entry_client_order_id)
    WHERE entry_client_order_id IS NOT NULL AND status <> 'ROLLED_BACK';
DROP INDEX CONCURRENTLY IF EXISTS monitoring.positions_one_row_per_entry_client_order_id;

-- The claim query's index, per account: the account's waiting signals, oldest first.
DROP INDEX CONCURRENTLY IF EXISTS monitoring.signals_waiting_per_account_idx;
CREATE INDEX CONCURRENTLY signals_waiting_per_account_idx
    ON monitoring.signals (account, created_at, id)
    WHERE claimed_at IS NULL;
DROP INDEX CONCURRENTLY IF EXISTS monitoring.signals_waiting_idx;

/* [jooq ignore stop] */
