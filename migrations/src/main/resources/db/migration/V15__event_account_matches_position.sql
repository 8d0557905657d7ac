-- An event about a position belongs to that position's account: a journal of account B can no
-- longer write an event naming a position of account A (SQLSTATE 23503, refused like any record
-- the schema refuses, and dead-lettered). A composite foreign key rather than a trigger: a trigger
-- runs PL/pgSQL per row on the hot table; the key is one index probe per row, the same probe the
-- id-only key of V1 makes, which V17 drops once this one is validated (MATCH SIMPLE: an event
-- without a position is not checked, as before).
--
-- On an existing database: added NOT VALID (no scan; new rows are checked at once). Cost: a SHARE
-- ROW EXCLUSIVE lock on events and positions for the length of this short transaction (writers
-- wait that long), bounded by the migrator's lock_timeout. V16 validates it.

/* [jooq ignore start] */
ALTER TABLE monitoring.events
    ADD CONSTRAINT events_position_account_fkey
        FOREIGN KEY (position_id, account) REFERENCES monitoring.positions (id, account) NOT VALID;
/* [jooq ignore stop] */
