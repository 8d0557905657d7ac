-- Validates V15's key over the existing events: a scan of events joined to positions under SHARE
-- UPDATE EXCLUSIVE on events and ROW SHARE on positions, which let reads and writes go on. Events
-- from before V8 all hold 'default', as do their positions. If old events break it (an event
-- naming a position of another account, written between V8 and V15), the upgrade does not fail:
-- the key stays NOT VALID (new rows are checked all the same), a warning says so, and V17 keeps
-- V1's id-only key; a person looks at those rows and runs the VALIDATE again.

/* [jooq ignore start] */
DO $$
BEGIN
    ALTER TABLE monitoring.events VALIDATE CONSTRAINT events_position_account_fkey;
EXCEPTION WHEN foreign_key_violation THEN
    RAISE WARNING 'events_position_account_fkey stays NOT VALID: some existing events name a position of another account (%)', SQLERRM;
END;
$$;
/* [jooq ignore stop] */
