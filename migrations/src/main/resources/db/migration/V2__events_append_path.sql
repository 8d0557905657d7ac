-- The journal's append path, made cheaper per row without giving up any of V1's guarantees
-- (unique event id, foreign key to positions, checks). Measured in BENCHMARKS.md (issue 6).
--
-- * Identifiers compare as bytes. Event ids (time-ordered UUIDs) and correlation keys (client
--   order ids) are codes, not words: the "C" collation compares them with memcmp instead of the
--   database's linguistic collation (on an en_US.UTF-8 server, strcoll for every comparison of
--   every index insert), and keeps a UUIDv7's text order equal to its time order.
-- * The identity of events hands out its values 1000 at a time per session instead of one
--   sequence access (and a WAL record every 32) per row. Ids stay unique and increasing within a
--   session; across sessions they interleave, as they already could by commit order, so a reader
--   that tails the trail cannot take "id greater than the last one seen" for "new".

/* [jooq ignore start] */
ALTER TABLE monitoring.events
    ALTER COLUMN event_id TYPE varchar(64) COLLATE "C",
    ALTER COLUMN correlation_key TYPE varchar COLLATE "C",
    ALTER COLUMN id SET CACHE 1000;
/* [jooq ignore stop] */
