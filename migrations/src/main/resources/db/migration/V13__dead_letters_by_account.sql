-- flyway:executeInTransaction=false
--
-- The dead letters of one account, latest first (JooqDeadLetterStore.deadLetters). Built
-- CONCURRENTLY (writers go on; hence no transaction, see the directive above); a leftover INVALID
-- index of a failed earlier run is dropped first. Cost: one scan of the dead letters (few rows).

/* [jooq ignore start] */
DROP INDEX CONCURRENTLY IF EXISTS monitoring.dead_letter_events_account_idx;
CREATE INDEX CONCURRENTLY dead_letter_events_account_idx
    ON monitoring.dead_letter_events (account, id);
/* [jooq ignore stop] */
