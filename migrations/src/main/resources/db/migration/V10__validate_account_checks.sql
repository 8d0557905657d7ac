-- Validates V8's account checks: a scan of positions and signals under a SHARE UPDATE EXCLUSIVE
-- lock, which lets reads and writes go on (every existing row holds 'default', which passes).

/* [jooq ignore start] */
ALTER TABLE monitoring.positions VALIDATE CONSTRAINT positions_account_check;
ALTER TABLE monitoring.signals VALIDATE CONSTRAINT signals_account_check;
/* [jooq ignore stop] */
