-- flyway:executeInTransaction=false
--
-- The key an event's (position_id, account) refers to (V15): one row per (id, account), which the
-- primary key on id implies, as a unique index a foreign key can name. Built CONCURRENTLY (writers
-- go on; hence no transaction, see the directive above); a leftover INVALID index of a failed
-- earlier run is dropped first. Cost: one scan of positions (a row per trade, not per event).

/* [jooq ignore start] */
DROP INDEX CONCURRENTLY IF EXISTS monitoring.positions_id_account_key;
CREATE UNIQUE INDEX CONCURRENTLY positions_id_account_key
    ON monitoring.positions (id, account);
/* [jooq ignore stop] */
