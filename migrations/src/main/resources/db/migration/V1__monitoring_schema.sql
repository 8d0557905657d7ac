-- The monitoring schema: positions, their audit events, trailing-stop states, dead-lettered
-- events and the signals a runner takes its work from.
--
-- Conventions
-- * Enum-like text columns hold the Java enum names of trading-ports ('ACTIVE', 'LONG', 'BINANCE').
-- * Decimals are unconstrained `numeric`: exact, any precision, and a value comes back with the
--   scale it was written with. numeric(p,s) would round a 19th decimal away without a word;
--   here nothing is rounded, and the checks bound the sign instead.
-- * Times are timestamptz (microsecond precision).
-- * Text is varchar (in PostgreSQL the same as text), bounded where the port's records bound it;
--   jOOQ's build-time interpreter cannot index a `text` column.
-- * jOOQ's DDLDatabase reads this file at build time to generate the adapter's code; it
--   interprets the statements on H2, so PostgreSQL-only statements sit between
--   [jooq ignore start] and [jooq ignore stop] comments. They are still run by Flyway.
-- * Flyway creates the schema itself (Migrations configures schemas = monitoring) and keeps its
--   history table there.

-- ---------------------------------------------------------------------------------------------
-- positions
-- ---------------------------------------------------------------------------------------------
CREATE TABLE monitoring.positions (
    id                    bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
    exchange              varchar(16) NOT NULL,
    symbol                varchar(40) NOT NULL,
    side                  varchar(8)  NOT NULL,
    quantity              numeric     NOT NULL,
    entry_price           numeric     NOT NULL,
    status                varchar(16) NOT NULL,
    signal_id             varchar,
    exchange_order_id     varchar     NOT NULL,
    entry_client_order_id varchar(36),
    stop_client_id        varchar(36),
    stop_price            numeric,
    exit_price            numeric,
    realized_pnl          numeric,
    close_reason          varchar(16),
    note                  varchar,
    opened_at             timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL,
    closed_at             timestamptz,
    CONSTRAINT positions_pkey PRIMARY KEY (id),
    CONSTRAINT positions_exchange_check CHECK (exchange IN ('BINANCE', 'BYBIT', 'PAPER')),
    CONSTRAINT positions_side_check CHECK (side IN ('LONG', 'SHORT')),
    CONSTRAINT positions_status_check
        CHECK (status IN ('ACTIVE', 'CLOSING', 'CLOSED', 'ROLLED_BACK')),
    CONSTRAINT positions_close_reason_check
        CHECK (close_reason IN ('STOP_LOSS', 'TRAILING_STOP', 'MANUAL', 'EMERGENCY', 'PHANTOM',
                                'POLICY_CLOSE', 'EXTERNAL')),
    CONSTRAINT positions_quantity_check CHECK (quantity >= 0),
    CONSTRAINT positions_entry_price_check CHECK (entry_price >= 0),
    CONSTRAINT positions_stop_price_check CHECK (stop_price > 0),
    CONSTRAINT positions_exit_price_check CHECK (exit_price >= 0),
    -- A stop is recorded as the pair (client id, price), never half of it.
    CONSTRAINT positions_stop_pair_check
        CHECK ((stop_client_id IS NULL AND stop_price IS NULL)
            OR (stop_client_id IS NOT NULL AND stop_price IS NOT NULL)),
    -- An open position has not ended; a closed one says how; a rolled-back one says why.
    CONSTRAINT positions_open_check
        CHECK (status NOT IN ('ACTIVE', 'CLOSING')
            OR (closed_at IS NULL AND close_reason IS NULL AND exit_price IS NULL
                AND realized_pnl IS NULL)),
    CONSTRAINT positions_closed_check
        CHECK (status <> 'CLOSED'
            OR (closed_at IS NOT NULL AND close_reason IS NOT NULL AND exit_price IS NOT NULL
                AND realized_pnl IS NOT NULL)),
    CONSTRAINT positions_rolled_back_check
        CHECK (status <> 'ROLLED_BACK'
            OR (closed_at IS NOT NULL AND note IS NOT NULL AND close_reason IS NULL))
);

COMMENT ON TABLE monitoring.positions IS
    'Positions verifiably opened on a venue; at most one open (ACTIVE or CLOSING) per exchange and symbol.';
COMMENT ON COLUMN monitoring.positions.exchange_order_id IS
    'The venue''s real id of the opening order (for adopted positions: from the venue''s order or trade history), never a made-up one.';
COMMENT ON COLUMN monitoring.positions.signal_id IS
    'The signal the position was opened for, if any.';
COMMENT ON COLUMN monitoring.positions.note IS
    'Why the opening was rolled back (status ROLLED_BACK).';

/* [jooq ignore start] */
-- At most one open position per exchange and symbol (one-way mode). Also the index of loadOpen().
CREATE UNIQUE INDEX positions_one_open_per_symbol
    ON monitoring.positions (exchange, symbol)
    WHERE status IN ('ACTIVE', 'CLOSING');

ALTER TABLE monitoring.positions
    ADD CONSTRAINT positions_symbol_format_check
        CHECK (symbol ~ '^[^a-z[:space:][:punct:][:cntrl:]]{2,40}$'),
    ADD CONSTRAINT positions_exchange_order_id_check
        CHECK (btrim(exchange_order_id) <> ''),
    ADD CONSTRAINT positions_entry_client_order_id_check
        CHECK (entry_client_order_id ~ '^[.A-Z:/a-z0-9_-]{1,36}$'),
    ADD CONSTRAINT positions_stop_client_id_check
        CHECK (stop_client_id ~ '^[.A-Z:/a-z0-9_-]{1,36}$');

-- A closed or rolled-back row is history: no writer, however buggy, may reopen or rewrite it.
CREATE FUNCTION monitoring.positions_keep_history() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION 'position % is %; a finished position cannot be changed', OLD.id, OLD.status
        USING ERRCODE = 'integrity_constraint_violation',
              CONSTRAINT = 'positions_finished_is_final';
END;
$$;

CREATE TRIGGER positions_finished_is_final
    BEFORE UPDATE ON monitoring.positions
    FOR EACH ROW
    WHEN (OLD.status IN ('CLOSED', 'ROLLED_BACK'))
    EXECUTE FUNCTION monitoring.positions_keep_history();
/* [jooq ignore stop] */

-- ---------------------------------------------------------------------------------------------
-- events: the audit trail, append-only, idempotent by event_id
-- ---------------------------------------------------------------------------------------------
CREATE TABLE monitoring.events (
    id              bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
    event_id        varchar(64) NOT NULL,
    position_id     bigint,
    correlation_key varchar     NOT NULL,
    exchange        varchar(16) NOT NULL,
    symbol          varchar(40),
    type            varchar(64) NOT NULL,
    severity        varchar(16) NOT NULL,
    payload         jsonb       NOT NULL,
    event_time      timestamptz NOT NULL,
    recorded_at     timestamptz DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT events_pkey PRIMARY KEY (id),
    CONSTRAINT events_event_id_key UNIQUE (event_id),
    CONSTRAINT events_position_id_fkey
        FOREIGN KEY (position_id) REFERENCES monitoring.positions (id),
    CONSTRAINT events_position_id_check CHECK (position_id > 0),
    CONSTRAINT events_exchange_check CHECK (exchange IN ('BINANCE', 'BYBIT', 'PAPER')),
    CONSTRAINT events_severity_check
        CHECK (severity IN ('DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'))
);

COMMENT ON TABLE monitoring.events IS
    'The audit trail. An event about a position that had no row yet has no position_id and is found by its correlation_key (the client order id).';

CREATE INDEX events_position_id_idx ON monitoring.events (position_id);
CREATE INDEX events_correlation_key_idx ON monitoring.events (correlation_key);

/* [jooq ignore start] */
ALTER TABLE monitoring.events
    ADD CONSTRAINT events_event_id_length_check CHECK (char_length(event_id) BETWEEN 1 AND 64),
    ADD CONSTRAINT events_correlation_key_check CHECK (btrim(correlation_key) <> ''),
    ADD CONSTRAINT events_type_check CHECK (type ~ '^[A-Z][A-Z0-9_]{0,63}$'),
    ADD CONSTRAINT events_payload_check CHECK (jsonb_typeof(payload) = 'object');

-- Time-range reads over an append-only table: a BRIN index costs next to nothing per insert.
CREATE INDEX events_event_time_brin ON monitoring.events USING brin (event_time);

-- The trail is append-only.
CREATE FUNCTION monitoring.events_append_only() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only (% refused)', TG_OP
        USING ERRCODE = 'integrity_constraint_violation',
              CONSTRAINT = 'events_append_only';
END;
$$;

CREATE TRIGGER events_append_only
    BEFORE UPDATE OR DELETE ON monitoring.events
    FOR EACH ROW
    EXECUTE FUNCTION monitoring.events_append_only();
/* [jooq ignore stop] */

-- ---------------------------------------------------------------------------------------------
-- trailing_stop_state: one row per position
-- ---------------------------------------------------------------------------------------------
CREATE TABLE monitoring.trailing_stop_state (
    position_id      bigint      NOT NULL,
    symbol           varchar(40) NOT NULL,
    side             varchar(8)  NOT NULL,
    entry_price      numeric     NOT NULL,
    activation_price numeric     NOT NULL,
    callback_rate    numeric     NOT NULL,
    status           varchar(16) NOT NULL,
    peak             numeric     NOT NULL,
    current_stop     numeric,
    update_count     integer     NOT NULL,
    activated_at     timestamptz,
    last_moved_at    timestamptz,
    last_saved_peak  numeric     NOT NULL,
    last_saved_at    timestamptz NOT NULL,
    CONSTRAINT trailing_stop_state_pkey PRIMARY KEY (position_id),
    CONSTRAINT trailing_stop_state_position_id_fkey
        FOREIGN KEY (position_id) REFERENCES monitoring.positions (id),
    CONSTRAINT trailing_stop_state_side_check CHECK (side IN ('LONG', 'SHORT')),
    CONSTRAINT trailing_stop_state_status_check
        CHECK (status IN ('INACTIVE', 'ACTIVE', 'TRIGGERED')),
    CONSTRAINT trailing_stop_state_prices_check
        CHECK (entry_price > 0 AND activation_price > 0 AND peak > 0 AND last_saved_peak > 0),
    CONSTRAINT trailing_stop_state_current_stop_check CHECK (current_stop > 0),
    -- callback_rate is a percent (1 means 1 %), as on Binance.
    CONSTRAINT trailing_stop_state_callback_rate_check
        CHECK (callback_rate > 0 AND callback_rate < 100),
    CONSTRAINT trailing_stop_state_update_count_check CHECK (update_count >= 0)
);

COMMENT ON TABLE monitoring.trailing_stop_state IS
    'The persisted trailing stop of each open position, restored at startup against the loaded positions.';

-- ---------------------------------------------------------------------------------------------
-- dead_letter_events: audit records the journal refused, kept for a person to look at
-- ---------------------------------------------------------------------------------------------
CREATE TABLE monitoring.dead_letter_events (
    id               bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
    event_id         varchar(64) NOT NULL,
    correlation_key  varchar     NOT NULL,
    exchange         varchar(16) NOT NULL,
    type             varchar(64) NOT NULL,
    event_time       timestamptz NOT NULL,
    record           json        NOT NULL,
    reason           varchar     NOT NULL,
    dead_lettered_at timestamptz DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT dead_letter_events_pkey PRIMARY KEY (id)
);

COMMENT ON TABLE monitoring.dead_letter_events IS
    'Refused audit records. The text columns are copies for searching (a NUL character, which text cannot hold, is replaced there); record is the whole record, exact, as JSON text (json, not jsonb: json keeps escapes such as \u0000 that jsonb refuses).';

CREATE INDEX dead_letter_events_event_id_idx ON monitoring.dead_letter_events (event_id);

-- ---------------------------------------------------------------------------------------------
-- signals: the runner's database signal source
-- ---------------------------------------------------------------------------------------------
CREATE TABLE monitoring.signals (
    id                          bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL,
    exchange                    varchar(16) NOT NULL,
    symbol                      varchar(40) NOT NULL,
    side                        varchar(8)  NOT NULL,
    size                        numeric     NOT NULL,
    size_unit                   varchar(8)  NOT NULL,
    stop_loss_percent           numeric     NOT NULL,
    trailing_activation_percent numeric     NOT NULL,
    trailing_callback_percent   numeric     NOT NULL,
    created_at                  timestamptz DEFAULT CURRENT_TIMESTAMP NOT NULL,
    claimed_at                  timestamptz,
    claimed_by                  varchar,
    completed_at                timestamptz,
    outcome                     varchar(16),
    detail                      varchar,
    CONSTRAINT signals_pkey PRIMARY KEY (id),
    CONSTRAINT signals_exchange_check CHECK (exchange IN ('BINANCE', 'BYBIT', 'PAPER')),
    CONSTRAINT signals_side_check CHECK (side IN ('LONG', 'SHORT')),
    CONSTRAINT signals_size_unit_check CHECK (size_unit IN ('BASE', 'QUOTE')),
    CONSTRAINT signals_outcome_check CHECK (outcome IN ('OPENED', 'REJECTED', 'FAILED')),
    CONSTRAINT signals_size_check CHECK (size > 0),
    CONSTRAINT signals_stop_loss_percent_check
        CHECK (stop_loss_percent > 0 AND stop_loss_percent < 100),
    CONSTRAINT signals_trailing_activation_percent_check CHECK (trailing_activation_percent >= 0),
    CONSTRAINT signals_trailing_callback_percent_check
        CHECK (trailing_callback_percent > 0 AND trailing_callback_percent < 100),
    CONSTRAINT signals_claim_check
        CHECK ((claimed_at IS NULL AND claimed_by IS NULL)
            OR (claimed_at IS NOT NULL AND claimed_by IS NOT NULL)),
    CONSTRAINT signals_completion_check
        CHECK ((completed_at IS NULL AND outcome IS NULL)
            OR (completed_at IS NOT NULL AND outcome IS NOT NULL AND claimed_at IS NOT NULL))
);

COMMENT ON TABLE monitoring.signals IS
    'Signals waiting to be acted on. A runner claims rows (FOR UPDATE SKIP LOCKED, so two runners never take the same one) and completes them with an outcome. Insert without an id: INSERT INTO monitoring.signals (exchange, symbol, side, size, size_unit, stop_loss_percent, trailing_activation_percent, trailing_callback_percent) VALUES (...).';

/* [jooq ignore start] */
ALTER TABLE monitoring.signals
    ADD CONSTRAINT signals_symbol_format_check
        CHECK (symbol ~ '^[^a-z[:space:][:punct:][:cntrl:]]{2,40}$');

-- The claim query's index: the waiting signals, oldest first.
CREATE INDEX signals_waiting_idx ON monitoring.signals (created_at, id) WHERE claimed_at IS NULL;
/* [jooq ignore stop] */
