-- The schema refuses what the domain promises never happens, so a row the Java model cannot read
-- (and that would stop a bulk read or the signal queue) cannot be written in the first place.
--
-- On an existing database: every CHECK is added NOT VALID (instant: only new and changed rows are
-- checked, under a brief ACCESS EXCLUSIVE lock) and then validated, which scans the table under a
-- SHARE UPDATE EXCLUSIVE lock that lets reads and writes go on. Old rows that break a check never
-- fail the upgrade: that check stays NOT VALID, with a warning. The triggers only look at rows
-- written from now on.

/* [jooq ignore start] */

-- ---------------------------------------------------------------------------------------------
-- numbers are finite: numeric accepts 'NaN' and +-'Infinity', which pass "> 0" and which no
-- BigDecimal can hold. ('NaN' sorts above every number, 'Infinity' included.)
-- ---------------------------------------------------------------------------------------------
ALTER TABLE monitoring.positions
    ADD CONSTRAINT positions_numbers_finite_check
        CHECK (quantity < 'Infinity' AND entry_price < 'Infinity'
            AND stop_price < 'Infinity' AND exit_price < 'Infinity'
            AND realized_pnl > '-Infinity' AND realized_pnl < 'Infinity') NOT VALID,
    -- An open position holds something; a flat one is closed, never left open at zero.
    ADD CONSTRAINT positions_open_quantity_check
        CHECK (status NOT IN ('ACTIVE', 'CLOSING') OR quantity > 0) NOT VALID,
    ADD CONSTRAINT positions_closed_after_opened_check
        CHECK (closed_at >= opened_at) NOT VALID;

ALTER TABLE monitoring.trailing_stop_state
    ADD CONSTRAINT trailing_stop_state_numbers_finite_check
        CHECK (entry_price < 'Infinity' AND activation_price < 'Infinity' AND peak < 'Infinity'
            AND last_saved_peak < 'Infinity' AND current_stop < 'Infinity') NOT VALID;

ALTER TABLE monitoring.signals
    -- A signal refused as REJECTED is exempt: an old bad row (from before this check) must
    -- still be completable, or it would stay the oldest waiting one for ever.
    ADD CONSTRAINT signals_numbers_finite_check
        CHECK (outcome IS NOT DISTINCT FROM 'REJECTED'
            OR (size < 'Infinity' AND stop_loss_percent < 'Infinity'
                AND trailing_activation_percent < 'Infinity'
                AND trailing_callback_percent < 'Infinity')) NOT VALID,
    -- The model's Symbol: upper-case letters, letters without case (CJK) and digits. V1's pattern
    -- refused only ASCII lower case; a lower-case letter of any script is refused here. The
    -- builtin pg_c_utf8 collation (PostgreSQL 17) gives Unicode character classes whatever the
    -- database's locale.
    ADD CONSTRAINT signals_symbol_letters_check
        CHECK (outcome IS NOT DISTINCT FROM 'REJECTED'
            OR ((symbol COLLATE pg_c_utf8) ~ '^[[:alpha:][:digit:]]{2,40}$'
                AND (symbol COLLATE pg_c_utf8) !~ '[[:lower:]]')) NOT VALID;

ALTER TABLE monitoring.positions
    ADD CONSTRAINT positions_symbol_letters_check
        CHECK ((symbol COLLATE pg_c_utf8) ~ '^[[:alpha:][:digit:]]{2,40}$'
            AND (symbol COLLATE pg_c_utf8) !~ '[[:lower:]]') NOT VALID;

-- The journal's bound on a correlation key (AuditRecord.MAX_CORRELATION_KEY): far inside what an
-- index entry holds, so a key can never fail the index (SQLSTATE 54000) on its way in.
ALTER TABLE monitoring.events
    ADD CONSTRAINT events_correlation_key_length_check
        CHECK (char_length(correlation_key) <= 200) NOT VALID;

-- Validated where the existing rows allow it: a constraint that old rows break stays NOT VALID
-- (it still guards every row written from now on) and a warning names it; the readers report and
-- leave out such rows, and a person fixes them and runs the VALIDATE statement again.
DO
$$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT * FROM (VALUES
        ('positions', 'positions_numbers_finite_check'),
        ('positions', 'positions_open_quantity_check'),
        ('positions', 'positions_closed_after_opened_check'),
        ('positions', 'positions_symbol_letters_check'),
        ('trailing_stop_state', 'trailing_stop_state_numbers_finite_check'),
        ('signals', 'signals_numbers_finite_check'),
        ('signals', 'signals_symbol_letters_check'),
        ('events', 'events_correlation_key_length_check')) AS t(tab, con)
    LOOP
        BEGIN
            EXECUTE format('ALTER TABLE monitoring.%I VALIDATE CONSTRAINT %I', c.tab, c.con);
        EXCEPTION WHEN check_violation THEN
            RAISE WARNING 'monitoring.% holds rows that break %; it stays NOT VALID (new rows are checked): fix them, then ALTER TABLE monitoring.% VALIDATE CONSTRAINT %',
                c.tab, c.con, c.tab, c.con;
        END;
    END LOOP;
END;
$$;

-- ---------------------------------------------------------------------------------------------
-- a closing position never goes back to active
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION monitoring.positions_closing_is_one_way() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION 'position % is CLOSING; it cannot become ACTIVE again', OLD.id
        USING ERRCODE = 'integrity_constraint_violation',
              CONSTRAINT = 'positions_closing_is_one_way';
END;
$$;

CREATE TRIGGER positions_closing_is_one_way
    BEFORE UPDATE OF status ON monitoring.positions
    FOR EACH ROW
    WHEN (OLD.status = 'CLOSING' AND NEW.status = 'ACTIVE')
    EXECUTE FUNCTION monitoring.positions_closing_is_one_way();

-- ---------------------------------------------------------------------------------------------
-- a trailing state belongs to an open position of the same symbol and side
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION monitoring.trailing_stop_state_matches_position() RETURNS trigger
    LANGUAGE plpgsql AS
$$
DECLARE
    p monitoring.positions%ROWTYPE;
BEGIN
    SELECT * INTO p FROM monitoring.positions WHERE id = NEW.position_id;
    IF NOT FOUND THEN
        RETURN NEW; -- the foreign key says so, with its own name
    END IF;
    IF p.status NOT IN ('ACTIVE', 'CLOSING') THEN
        RAISE EXCEPTION 'position % is %; a trailing stop is kept for open positions only',
            p.id, p.status
            USING ERRCODE = 'integrity_constraint_violation',
                  CONSTRAINT = 'trailing_stop_state_position_open';
    END IF;
    IF p.symbol <> NEW.symbol OR p.side <> NEW.side THEN
        RAISE EXCEPTION 'trailing stop (% %) does not match position % (% %)',
            NEW.symbol, NEW.side, p.id, p.symbol, p.side
            USING ERRCODE = 'integrity_constraint_violation',
                  CONSTRAINT = 'trailing_stop_state_matches_position';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER trailing_stop_state_matches_position
    BEFORE INSERT OR UPDATE ON monitoring.trailing_stop_state
    FOR EACH ROW
    EXECUTE FUNCTION monitoring.trailing_stop_state_matches_position();

-- ---------------------------------------------------------------------------------------------
-- the audit trail cannot be truncated either (V1's trigger covers UPDATE and DELETE)
-- ---------------------------------------------------------------------------------------------
CREATE TRIGGER events_no_truncate
    BEFORE TRUNCATE ON monitoring.events
    FOR EACH STATEMENT
    EXECUTE FUNCTION monitoring.events_append_only();

/* [jooq ignore stop] */
