package io.positionkeeper.postgres;

import static io.positionkeeper.postgres.schema.Tables.TRAILING_STOP_STATE;

import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.TrailingStopStore;
import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.Lease;
import io.positionkeeper.ports.model.Symbol;
import io.positionkeeper.ports.model.TrailingStopState;
import io.positionkeeper.postgres.schema.tables.records.TrailingStopStateRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Param;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * {@link TrailingStopStore} on PostgreSQL: one row per position id (a foreign key to the position),
 * saved by an upsert in one statement. Bound to one account: it loads, saves and deletes that
 * account's states only (a state of another account's position is refused by the database's
 * trigger); bound to a {@link Lease}, every save and delete is fenced by it ({@link AccountScope}).
 */
public final class JooqTrailingStopStore implements TrailingStopStore {
  private static final Table<?> FENCE = DSL.table(DSL.name("fence"));

  /** Every column of a state, each a named parameter of the save. */
  private static final List<Param<?>> COLUMNS =
      Stream.of(TRAILING_STOP_STATE.fields()).<Param<?>>map(JooqTrailingStopStore::param).toList();

  private final Database db;
  private final UnreadableRows unreadable;
  private final AccountScope scope;

  /** The save, one statement rendered once for this store's account and lease. */
  private final RenderedStatement saveStatement;

  /**
   * A store of the {@link AccountId#DEFAULT} account, unfenced, that logs the rows it cannot read
   * ({@link UnreadableRows#logging()}).
   */
  public JooqTrailingStopStore(DataSource dataSource) {
    this(dataSource, UnreadableRows.logging());
  }

  /**
   * @param unreadable told about each row {@link #loadAll()} cannot read; the others load
   */
  public JooqTrailingStopStore(DataSource dataSource, UnreadableRows unreadable) {
    this(dataSource, AccountScope.of(AccountId.DEFAULT), unreadable);
  }

  /** A store of {@code account}'s states, unfenced. */
  public JooqTrailingStopStore(DataSource dataSource, AccountId account) {
    this(dataSource, AccountScope.of(account), UnreadableRows.logging());
  }

  /** A store of the lease's account whose every write is fenced by {@code lease}. */
  public JooqTrailingStopStore(DataSource dataSource, Lease lease) {
    this(dataSource, AccountScope.of(lease), UnreadableRows.logging());
  }

  private JooqTrailingStopStore(
      DataSource dataSource, AccountScope scope, UnreadableRows unreadable) {
    this.db = new Database(dataSource);
    this.scope = Objects.requireNonNull(scope, "scope");
    this.unreadable = Objects.requireNonNull(unreadable, "unreadable");
    this.saveStatement = renderSave(scope);
  }

  private static <T> Param<T> param(Field<T> column) {
    return RenderedStatement.param(column.getName(), column);
  }

  /**
   * One statement: the fence and the upsert. The update applies only to a row of this account;
   * another account's row stays as it is (and its position's trigger refuses this account's state
   * anyway).
   */
  private static RenderedStatement renderSave(AccountScope scope) {
    DSLContext ctx = Database.renderer();
    List<Field<?>> columns = List.of(TRAILING_STOP_STATE.fields());
    var upsert =
        ctx.insertInto(TRAILING_STOP_STATE)
            .columns(columns)
            .select(DSL.select(COLUMNS).whereExists(DSL.selectOne().from(FENCE)))
            .onConflict(TRAILING_STOP_STATE.POSITION_ID)
            .doUpdate()
            .set(excludedValues(columns))
            .where(TRAILING_STOP_STATE.ACCOUNT.eq(AccountScope.ACCOUNT))
            .returning(TRAILING_STOP_STATE.POSITION_ID);
    return RenderedStatement.of(
        ctx.resultQuery(
            "WITH fence AS ({0}), written AS ({1})"
                + " SELECT (SELECT count(*) FROM fence) AS fenced,"
                + " (SELECT count(*) FROM written) AS written",
            scope.fenceTemplate(ctx), upsert),
        scope.fixedValues());
  }

  private static Map<Field<?>, Field<?>> excludedValues(List<Field<?>> columns) {
    Map<Field<?>, Field<?>> values = new LinkedHashMap<>();
    columns.forEach(c -> values.put(c, DSL.excluded(c)));
    return values;
  }

  @Override
  public void save(TrailingStopState s) {
    Objects.requireNonNull(s, "state");
    TrailingStopStateRecord row = toRow(s).setAccount(scope.name());
    RenderedStatement.Values values = saveStatement.values();
    COLUMNS.forEach(column -> set(values, column, row));
    db.inOneStatement(
        "save trailing stop of position " + s.positionId(),
        (ctx, c) -> {
          try (PreparedStatement statement = saveStatement.prepare(c, values);
              ResultSet result = statement.executeQuery()) {
            result.next();
            scope.refuseUnlessFenced(result.getLong(1));
            if (result.getLong(2) == 0) {
              throw new RejectedException(
                  "trailing_stop_state_matches_position",
                  "the trailing stop of position "
                      + s.positionId()
                      + " belongs to another account than "
                      + scope.account());
            }
          }
          return null;
        });
  }

  /** Sets {@code param} to the row's value of the column it is named for. */
  private static <T> void set(
      RenderedStatement.Values values, Param<T> param, TrailingStopStateRecord row) {
    values.set(param, row.get(param.getParamName(), param.getType()));
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
                TRAILING_STOP_STATE.ACCOUNT.eq(scope.name()),
                JooqTrailingStopStore::toState,
                unreadable));
  }

  @Override
  public void delete(long positionId) {
    db.inTransaction(
        "delete trailing stop of position " + positionId,
        (ctx, c) -> {
          scope.fence(ctx);
          return ctx.deleteFrom(TRAILING_STOP_STATE)
              .where(TRAILING_STOP_STATE.POSITION_ID.eq(positionId))
              .and(TRAILING_STOP_STATE.ACCOUNT.eq(scope.name()))
              .execute();
        });
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
