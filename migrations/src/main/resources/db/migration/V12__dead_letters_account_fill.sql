-- Fills the account of the dead letters written before V11, then validates V11's check where the
-- rows allow it (V13 indexes the rows by account). One transaction that takes no lock stronger
-- than row locks on the dead letters it fills and SHARE UPDATE EXCLUSIVE for the validation: the
-- journal's writers and new dead letters go on meanwhile.
--
-- What the fill does, in this order (only rows still NULL are touched):
-- 1. A record that names a position (record's "positionId") gets that position's account: the
--    journal that refused it was bound to the account the position belongs to (every position
--    store and journal is bound to one account since V8).
-- 2. The rest get the database's account when only one account was ever used in it (in positions,
--    events, signals and account leases; none counts as 'default', the single-account past): then
--    no other journal can have written them.
-- 3. Otherwise they stay NULL, meaning "account unknown": nothing is guessed. V11's check then
--    stays NOT VALID (new rows are checked all the same) and a warning names the count; a person
--    may set the account and run
--    ALTER TABLE monitoring.dead_letter_events VALIDATE CONSTRAINT dead_letter_events_account_check.
-- Cost: an UPDATE of the dead letters (refused records: few), row locks only; the validation is a
-- scan under SHARE UPDATE EXCLUSIVE (reads and writes go on); positions are joined by primary
-- key. Only when a row is left after step 1 are the accounts looked up: positions, signals and
-- leases are scanned, the events only asked whether one names another account (a read-only scan
-- of the events at worst; nothing of this runs on a database without dead letters).

/* [jooq ignore start] */
UPDATE monitoring.dead_letter_events d
   SET account = p.account
  FROM monitoring.positions p
 WHERE d.account IS NULL
   AND p.id = CASE WHEN d.record ->> 'positionId' ~ '^[0-9]{1,18}$'
                   THEN (d.record ->> 'positionId')::bigint END;

DO $$
DECLARE
    accounts varchar[];
    unknown  bigint;
BEGIN
    SELECT count(*) INTO unknown FROM monitoring.dead_letter_events WHERE account IS NULL;
    IF unknown > 0 THEN
        SELECT array_agg(DISTINCT a) INTO accounts FROM (
            SELECT account AS a FROM monitoring.positions
            UNION SELECT account FROM monitoring.signals
            UNION SELECT account FROM monitoring.account_leases
            UNION (SELECT account FROM monitoring.events LIMIT 1)) known;
        IF accounts IS NULL THEN
            accounts := ARRAY['default'];
        END IF;
        -- The events are the large table: only asked whether any row names another account
        -- (a scan, reads only, and only when some dead letter is still unknown).
        IF cardinality(accounts) = 1 AND NOT EXISTS (
                SELECT 1 FROM monitoring.events WHERE account <> accounts[1]) THEN
            UPDATE monitoring.dead_letter_events SET account = accounts[1] WHERE account IS NULL;
        END IF;
        SELECT count(*) INTO unknown FROM monitoring.dead_letter_events WHERE account IS NULL;
    END IF;
    IF unknown = 0 THEN
        ALTER TABLE monitoring.dead_letter_events VALIDATE CONSTRAINT dead_letter_events_account_check;
    ELSE
        RAISE WARNING 'dead_letter_events: % row(s) dead-lettered before V11 could not be given an account (no position of theirs, several accounts in the database); their account stays NULL (unknown) and dead_letter_events_account_check stays NOT VALID', unknown;
    END IF;
END;
$$;
/* [jooq ignore stop] */
