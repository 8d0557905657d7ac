-- flyway:executeInTransaction=false
--
-- One row per venue entry, per entry client order id and per signal. Built CONCURRENTLY (no lock
-- that stops writers while the index is built; that cannot run inside a transaction, hence the
-- directive above). A rolled-back opening never held a position: its entry may be adopted again
-- (a rollback whose market close failed leaves the position on the venue, and reconciliation
-- adopts it with the same venue order id), so ROLLED_BACK rows are left out.
--
-- On an existing database that holds duplicates the build fails and leaves an INVALID index
-- behind; the statements drop such a leftover first (IF EXISTS), so after the duplicates are
-- resolved, migrating again completes.

/* [jooq ignore start] */
DROP INDEX CONCURRENTLY IF EXISTS monitoring.positions_one_row_per_entry_order;
CREATE UNIQUE INDEX CONCURRENTLY positions_one_row_per_entry_order
    ON monitoring.positions (exchange, exchange_order_id)
    WHERE status <> 'ROLLED_BACK';

DROP INDEX CONCURRENTLY IF EXISTS monitoring.positions_one_row_per_entry_client_order_id;
CREATE UNIQUE INDEX CONCURRENTLY positions_one_row_per_entry_client_order_id
    ON monitoring.positions (exchange, entry_client_order_id)
    WHERE entry_client_order_id IS NOT NULL AND status <> 'ROLLED_BACK';

DROP INDEX CONCURRENTLY IF EXISTS monitoring.positions_one_per_signal;
CREATE UNIQUE INDEX CONCURRENTLY positions_one_per_signal
    ON monitoring.positions (signal_id)
    WHERE signal_id IS NOT NULL AND status <> 'ROLLED_BACK';
/* [jooq ignore stop] */
