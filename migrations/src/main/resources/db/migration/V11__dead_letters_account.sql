-- A dead-lettered audit record keeps its account: the account of the journal that refused it, so
-- a person (or a tool) looking at one account's refused records sees that account's only.
--
-- On an existing database: ADD COLUMN without a default is a catalog change (no rewrite, no scan);
-- existing rows read NULL until V12 fills what can be known. The check is added NOT VALID (no
-- scan): from now on every new or changed row must name a well-formed account, while the old rows
-- are left for V12. Cost: one ACCESS EXCLUSIVE lock on dead_letter_events for the length of this
-- short transaction, bounded by the migrator's lock_timeout.

ALTER TABLE monitoring.dead_letter_events ADD COLUMN account varchar(64);

/* [jooq ignore start] */
ALTER TABLE monitoring.dead_letter_events
    ADD CONSTRAINT dead_letter_events_account_check
        CHECK (account IS NOT NULL AND account ~ '^[A-Za-z0-9._-]{1,64}$') NOT VALID;

COMMENT ON COLUMN monitoring.dead_letter_events.account IS
    'The account of the journal that refused the record. NULL only for a row dead-lettered before V11 whose account could not be known (see V12).';
/* [jooq ignore stop] */
