package io.positionkeeper.postgres;

import static io.positionkeeper.postgres.schema.Tables.TRAILING_STOP_STATE;

import io.positionkeeper.ports.TrailingStopStore;
import io.positionkeeper.ports.model.Symbol;
import io.positionkeeper.ports.model.TrailingStopState;
import io.positionkeeper.postgres.schema.tables.records.TrailingStopStateRecord;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * {@link TrailingStopStore} on PostgreSQL: one row per position id (a foreign key to the position),
 * saved by an upsert in one statement.
 */
public final class JooqTrailingStopStore implements TrailingStopStore {
  private final Database db;
  private final UnreadableRows unreadable;

  /** A store that logs the rows it cannot read ({@link UnreadableRows#logging()}). */
  public JooqTrailingStopStore(DataSource dataSource) {
    this(dataSource, UnreadableRows.logging());
  }

  /**
   * @param unreadable told about each row {@link #loadAll()} cannot read; the others load
   */
  public JooqTrailingStopStore(DataSource dataSource, UnreadableRows unreadable) {
    this.db = new Database(dataSource);
    this.unreadable = Objects.requireNonNull(unreadable, "unreadable");
  }

  @Override
  public void save(TrailingStopState s) {
    Objects.requireNonNull(s, "state");
    TrailingStopStateRecord row = toRow(s);
    db.inTransaction(
        "save trailing stop of position " + s.positionId(),
        (ctx, c) ->
            ctx.insertInto(TRAILING_STOP_STATE)
                .set(row)
                .onConflict(TRAILING_STOP_STATE.POSITION_ID)
                .doUpdate()
                .set(row)
                .execute());
  }

  @Override
  public List<TrailingStopState> loadAll() {
    return db.read(
        "load trailing stops",
        (ctx, c) ->
            RowReader.readAll(
                ctx,
                TRAILING_STOP_STATE,
                TRAILING_STOP_STATE.POSITION_ID,
                org.jooq.impl.DSL.noCondition(),
                JooqTrailingStopStore::toState,
                unreadable));
  }

  @Override
  public void delete(long positionId) {
    db.inTransaction(
        "delete trailing stop of position " + positionId,
        (ctx, c) ->
            ctx.deleteFrom(TRAILING_STOP_STATE)
                .where(TRAILING_STOP_STATE.POSITION_ID.eq(positionId))
                .execute());
  }

  private static TrailingStopStateRecord toRow(TrailingStopState s) {
    return new TrailingStopStateRecord()
        .setPositionId(s.positionId())
        .setSymbol(s.symbol().value())
        .setSide(s.side())
        .setEntryPrice(s.entryPrice())
        .setActivationPrice(s.activationPrice())
        .setCallbackRate(s.callbackRate())
        .setStatus(s.status())
        .setPeak(s.peak())
        .setCurrentStop(s.currentStop().orElse(null))
        .setUpdateCount(s.updateCount())
        .setActivatedAt(micros(s.activatedAt()))
        .setLastMovedAt(micros(s.lastMovedAt()))
        .setLastSavedPeak(s.lastSavedPeak())
        .setLastSavedAt(AuditRows.micros(s.lastSavedAt()));
  }

  private static Instant micros(Optional<Instant> time) {
    return time.map(AuditRows::micros).orElse(null);
  }

  private static TrailingStopState toState(TrailingStopStateRecord r) {
    return new TrailingStopState(
        r.getPositionId(),
        new Symbol(r.getSymbol()),
        r.getSide(),
        r.getEntryPrice(),
        r.getActivationPrice(),
        r.getCallbackRate(),
        r.getStatus(),
        r.getPeak(),
        Optional.ofNullable(r.getCurrentStop()),
        r.getUpdateCount(),
        Optional.ofNullable(r.getActivatedAt()),
        Optional.ofNullable(r.getLastMovedAt()),
        r.getLastSavedPeak(),
        r.getLastSavedAt());
  }
}
