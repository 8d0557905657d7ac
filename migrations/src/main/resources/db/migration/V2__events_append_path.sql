-- The journal's append path, made cheaper per row without giving up any of V1's guarantees
-- (unique event id, foreign key to positions, checks). Measured in BENCHMARKS.md (issue 6).
--
-- Identifiers compare as bytes. Event ids (time-ordered UUIDs) and correlation keys (client order
-- ids) are codes, not words: the "C" collation compares them with memcmp instead of the database's
-- linguistic collation (on an en_US.UTF-8 server, strcoll for every comparison of every index
-- insert), and keeps a UUIDv7's text order equal to its time order.
--
-- (The identity of events keeps a sequence cache of 1: a cache per session would save a sequence
-- access per row, but ids handed out in blocks per connection no longer follow the order in which
-- a position's events were committed, and readers order a position's events by id.)

/* [jooq ignore start] */
ALTER TABLE monitoring.events
    ALTER COLUMN event_id TYPE varchar(64) COLLATE "C",
    ALTER COLUMN correlation_key TYPE varchar COLLATE "C";
/* [jooq ignore stop] */
