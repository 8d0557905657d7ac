-- Drops V1's id-only key of events once V15's (position_id, account) key is validated: that key
-- implies it, and keeping both would probe positions twice per event. If V15's key is not
-- validated (see V16), the id-only key stays: old rows stay guarded by it. Cost: an ACCESS
-- EXCLUSIVE lock on events and positions for the length of a catalog change, bounded by the
-- migrator's lock_timeout.

/* [jooq ignore start] */
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_constraint
               WHERE conname = 'events_position_account_fkey' AND convalidated) THEN
        ALTER TABLE monitoring.events DROP CONSTRAINT IF EXISTS events_position_id_fkey;
    END IF;
END;
$$;
/* [jooq ignore stop] */
