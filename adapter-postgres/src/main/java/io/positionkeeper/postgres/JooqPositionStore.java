package io.positionkeeper.postgres;

import static io.positionkeeper.postgres.schema.Tables.POSITIONS;

import io.positionkeeper.ports.PositionStore;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.CloseReason;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.ExchangeOrderId;
import io.positionkeeper.ports.model.Lease;
import io.positionkeeper.ports.model.NewPosition;
import io.positionkeeper.ports.model.PositionClose;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionStatus;
import io.positionkeeper.ports.model.Symbol;
import io.positionkeeper.postgres.schema.tables.records.PositionsRecord;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Param;
import org.jooq.Table;
import org.jooq.UpdateSetMoreStep;
import org.jooq.impl.DSL;

/**
 * {@link PositionStore} on PostgreSQL. Every change and its audit event are written in one
 * transaction; a change applies only to an open row (one statement guarded by the status, so two
 * writers racing on one position cannot resurrect a closed one); the database's partial unique
 * index keeps one open position per account, exchange and symbol.
 *
 * <p>A store is bound to one account: it reads, finds and changes that account's rows only (a
 * position of another account is {@code NOT_FOUND} here). Bound to a {@link Lease}, it also checks
 * in each write's transaction that the lease is still the account's current one, and refuses the
 * write with {@link io.positionkeeper.ports.StaleLeaseException} otherwise (see {@link
 * AccountScope}).
 */
public final class JooqPositionStore implements PositionStore {
  private static final List<PositionStatus> OPEN =
      List.of(PositionStatus.ACTIVE, PositionStatus.CLOSING);

  /** The parts of a one-statement write: the lease fence, and the row written. */
  private static final Table<?> FENCE = DSL.table(DSL.name("fence"));

  private static final Table<?> WRITTEN = DSL.table(DSL.name("written"));
  private static final Field<Long> WRITTEN_ID = DSL.field(DSL.name("written", "id"), Long.class);

  /** The values of a write, named parameters of the statements below. */
  private static final Param<Exchange> EXCHANGE =
      RenderedStatement.param("exchange", POSITIONS.EXCHANGE);

  private static final Param<String> SYMBOL = RenderedStatement.param("symbol", POSITIONS.SYMBOL);
  private static final Param<PositionSide> SIDE = RenderedStatement.param("side", POSITIONS.SIDE);
  private static final Param<BigDecimal> QUANTITY =
      RenderedStatement.param("quantity", POSITIONS.QUANTITY);
  private static final Param<BigDecimal> ENTRY_PRICE =
      RenderedStatement.param("entry_price", POSITIONS.ENTRY_PRICE);
  private static final Param<String> SIGNAL_ID =
      RenderedStatement.param("signal_id", POSITIONS.SIGNAL_ID);
  private static final Param<String> EXCHANGE_ORDER_ID =
      RenderedStatement.param("exchange_order_id", POSITIONS.EXCHANGE_ORDER_ID);
  private static final Param<String> ENTRY_CLIENT_ORDER_ID =
      RenderedStatement.param("entry_client_order_id", POSITIONS.ENTRY_CLIENT_ORDER_ID);
  private static final Param<Instant> OPENED_AT =
      RenderedStatement.param("opened_at", POSITIONS.OPENED_AT);
  private static final Param<Long> ID = RenderedStatement.param("id", POSITIONS.ID);
  private static final Param<Instant> UPDATED_AT =
      RenderedStatement.param("updated_at", POSITIONS.UPDATED_AT);
  private static final Param<String> STOP_CLIENT_ID =
      RenderedStatement.param("stop_client_id", POSITIONS.STOP_CLIENT_ID);
  private static final Param<BigDecimal> STOP_PRICE =
      RenderedStatement.param("stop_price", POSITIONS.STOP_PRICE);
  private static final Param<BigDecimal> EXIT_PRICE =
      RenderedStatement.param("exit_price", POSITIONS.EXIT_PRICE);
  private static final Param<BigDecimal> REALIZED_PNL =
      RenderedStatement.param("realized_pnl", POSITIONS.REALIZED_PNL);
  private static final Param<CloseReason> CLOSE_REASON =
      RenderedStatement.param("close_reason", POSITIONS.CLOSE_REASON);
  private static final Param<Instant> CLOSED_AT =
      RenderedStatement.param("closed_at", POSITIONS.CLOSED_AT);
  private static final Param<String> NOTE = RenderedStatement.param("note", POSITIONS.NOTE);

  private final Database db;
  private final UnreadableRows unreadable;
  private final AccountScope scope;

  /** The writes, each one statement rendered once for this store's account and lease. */
  private final RenderedStatement insertStatement;

  private final RenderedStatement updatePositionStatement;
  private final RenderedStatement recordStopStatement;
  private final RenderedStatement markClosingStatement;
  private final RenderedStatement closeStatement;
  private final RenderedStatement markRolledBackStatement;

  /** The read of every open, rendered once too: it is on the trading path. */
  private final RenderedStatement byEntryOrderStatement;

  /**
   * A store of the {@link AccountId#DEFAULT} account, unfenced, that logs the rows it cannot read
   * ({@link UnreadableRows#logging()}).
   */
  public JooqPositionStore(DataSource dataSource) {
    this(dataSource, UnreadableRows.logging());
  }

  /**
   * @param unreadable told about each open row {@link #loadOpen()} cannot read; the others load
   */
  public JooqPositionStore(DataSource dataSource, UnreadableRows unreadable) {
    this(dataSource, AccountScope.of(AccountId.DEFAULT), unreadable);
  }

  /** A store of {@code account}'s rows, unfenced (tools, tests, paper mode). */
  public JooqPositionStore(DataSource dataSource, AccountId account) {
    this(dataSource, AccountScope.of(account), UnreadableRows.logging());
  }

  /** A store of the lease's account whose every write is fenced by {@code lease}. */
  public JooqPositionStore(DataSource dataSource, Lease lease) {
    this(dataSource, AccountScope.of(lease), UnreadableRows.logging());
  }

  /**
   * A store of the lease's account, fenced by it, reporting unreadable rows to {@code unreadable}.
   */
  public JooqPositionStore(DataSource dataSource, Lease lease, UnreadableRows unreadable) {
    this(dataSource, AccountScope.of(lease), unreadable);
  }

  private JooqPositionStore(DataSource dataSource, AccountScope scope, UnreadableRows unreadable) {
    this.db = new Database(dataSource);
    this.scope = Objects.requireNonNull(scope, "scope");
    this.unreadable = Objects.requireNonNull(unreadable, "unreadable");
    this.insertStatement = renderInsert(scope);
    this.updatePositionStatement =
        renderChange(
            scope,
            u ->
                u.set(POSITIONS.SIDE, SIDE)
                    .set(POSITIONS.QUANTITY, QUANTITY)
                    .set(POSITIONS.ENTRY_PRICE, ENTRY_PRICE));
    this.recordStopStatement =
        renderChange(
            scope,
            u ->
                u.set(POSITIONS.STOP_CLIENT_ID, STOP_CLIENT_ID)
                    .set(POSITIONS.STOP_PRICE, STOP_PRICE));
    this.markClosingStatement =
        renderChange(
            scope,
            u -> u.set(POSITIONS.STATUS, DSL.inline(PositionStatus.CLOSING, POSITIONS.STATUS)));
    this.closeStatement =
        renderChange(
            scope,
            u ->
                u.set(POSITIONS.STATUS, DSL.inline(PositionStatus.CLOSED, POSITIONS.STATUS))
                    // NULL when unknown: the database refuses that for anything but a PHANTOM
                    // close.
                    .set(POSITIONS.EXIT_PRICE, EXIT_PRICE)
                    .set(POSITIONS.REALIZED_PNL, REALIZED_PNL)
                    .set(POSITIONS.CLOSE_REASON, CLOSE_REASON)
                    .set(POSITIONS.CLOSED_AT, CLOSED_AT));
    this.markRolledBackStatement =
        renderChange(
            scope,
            u ->
                u.set(POSITIONS.STATUS, DSL.inline(PositionStatus.ROLLED_BACK, POSITIONS.STATUS))
                    .set(POSITIONS.NOTE, NOTE)
                    .set(POSITIONS.CLOSED_AT, CLOSED_AT));
    this.byEntryOrderStatement = renderByEntryOrder(scope);
  }

  /** The newest row of the account opened by an entry order. */
  private static RenderedStatement renderByEntryOrder(AccountScope scope) {
    DSLContext ctx = Database.renderer();
    return RenderedStatement.of(
        ctx.selectFrom(POSITIONS)
            .where(POSITIONS.ENTRY_CLIENT_ORDER_ID.eq(ENTRY_CLIENT_ORDER_ID))
            .and(POSITIONS.ACCOUNT.eq(AccountScope.ACCOUNT))
            .orderBy(POSITIONS.ID.desc())
            .limit(DSL.inline(1)),
        scope.fixedValues());
  }

  /** One statement: the fence, the row, and its creation event with the new id. */
  private static RenderedStatement renderInsert(AccountScope scope) {
    DSLContext ctx = Database.renderer();
    var row =
        ctx.insertInto(
                POSITIONS,
                POSITIONS.ACCOUNT,
                POSITIONS.EXCHANGE,
                POSITIONS.SYMBOL,
                POSITIONS.SIDE,
                POSITIONS.QUANTITY,
                POSITIONS.ENTRY_PRICE,
                POSITIONS.STATUS,
                POSITIONS.SIGNAL_ID,
                POSITIONS.EXCHANGE_ORDER_ID,
                POSITIONS.ENTRY_CLIENT_ORDER_ID,
                POSITIONS.OPENED_AT,
                POSITIONS.UPDATED_AT)
            .select(
                DSL.select(
                        AccountScope.ACCOUNT,
                        EXCHANGE,
                        SYMBOL,
                        SIDE,
                        QUANTITY,
                        ENTRY_PRICE,
                        DSL.inline(PositionStatus.ACTIVE, POSITIONS.STATUS),
                        SIGNAL_ID,
                        EXCHANGE_ORDER_ID,
                        ENTRY_CLIENT_ORDER_ID,
                        OPENED_AT,
                        OPENED_AT)
                    .whereExists(DSL.selectOne().from(FENCE)))
            .returning(POSITIONS.ID);
    return RenderedStatement.of(
        ctx.resultQuery(
            "WITH fence AS ({0}), written AS ({1}), event AS ({2})"
                + " SELECT (SELECT count(*) FROM fence) AS fenced,"
                + " (SELECT id FROM written) AS id",
            scope.fenceTemplate(ctx), row, AuditRows.insertFrom(WRITTEN, WRITTEN_ID)),
        scope.fixedValues());
  }

  /**
   * One statement: the fence, the change {@code changes} makes when the row is still open, and its
   * event when it changed the row.
   */
  private static RenderedStatement renderChange(
      AccountScope scope, UnaryOperator<UpdateSetMoreStep<PositionsRecord>> changes) {
    DSLContext ctx = Database.renderer();
    var update =
        changes
            .apply(ctx.update(POSITIONS).set(POSITIONS.UPDATED_AT, UPDATED_AT))
            .where(POSITIONS.ID.eq(ID))
            .and(POSITIONS.ACCOUNT.eq(AccountScope.ACCOUNT))
            .and(
                POSITIONS.STATUS.in(
                    OPEN.stream().map(s -> DSL.inline(s, POSITIONS.STATUS)).toList()))
            .andExists(DSL.selectOne().from(FENCE))
            .returning(POSITIONS.ID);
    return RenderedStatement.of(
        ctx.resultQuery(
            "WITH fence AS ({0}), written AS ({1}), event AS ({2})"
                + " SELECT (SELECT count(*) FROM fence) AS fenced,"
                + " (SELECT count(*) FROM written) AS updated",
            scope.fenceTemplate(ctx), update, AuditRows.insertFrom(WRITTEN, WRITTEN_ID)),
        scope.fixedValues());
  }

  @Override
  public long insert(NewPosition p, AuditRecord created) {
    Objects.requireNonNull(p, "position");
    Objects.requireNonNull(created, "created");
    if (created.positionId().isPresent()) {
      throw new IllegalArgumentException(
          "the creation event of a new row must not carry a position id");
    }
    RenderedStatement.Values values =
        insertStatement
            .values()
            .set(EXCHANGE, p.exchange())
            .set(SYMBOL, p.symbol().value())
            .set(SIDE, p.side())
            .set(QUANTITY, p.quantity())
            .set(ENTRY_PRICE, p.entryPrice())
            .set(SIGNAL_ID, p.signalId().orElse(null))
            .set(EXCHANGE_ORDER_ID, p.exchangeOrderId().value())
            .set(
                ENTRY_CLIENT_ORDER_ID,
                p.entryClientOrderId().map(ClientOrderId::value).orElse(null))
            .set(OPENED_AT, AuditRows.micros(p.openedAt()));
    AuditRows.bind(values, created);
    return db.inOneStatement(
        "insert position " + p.exchange() + " " + p.symbol(),
        (ctx, c) -> {
          try (PreparedStatement statement = insertStatement.prepare(c, values);
              ResultSet result = statement.executeQuery()) {
            result.next();
            scope.refuseUnlessFenced(result.getLong(1));
            long id = result.getLong(2);
            if (result.wasNull()) {
              throw new IllegalStateException("the insert of a fenced position returned no id");
            }
            return id;
          }
        });
  }

  @Override
  public Optional<PositionRecord> find(long id) {
    return db.read(
        "find position " + id,
        (ctx, c) ->
            ctx.selectFrom(POSITIONS)
                .where(POSITIONS.ID.eq(id))
                .and(POSITIONS.ACCOUNT.eq(scope.name()))
                .fetchOptional()
                .map(JooqPositionStore::toRecord));
  }

  @Override
  public Optional<PositionRecord> findByEntryOrder(ClientOrderId entryClientOrderId) {
    Objects.requireNonNull(entryClientOrderId, "entryClientOrderId");
    RenderedStatement.Values values =
        byEntryOrderStatement.values().set(ENTRY_CLIENT_ORDER_ID, entryClientOrderId.value());
    return db.read(
        "find position by entry order " + entryClientOrderId.value(),
        (ctx, c) -> {
          try (PreparedStatement statement = byEntryOrderStatement.prepare(c, values);
              ResultSet rows = statement.executeQuery()) {
            return ctx.fetch(rows, POSITIONS.fields()).into(POSITIONS).stream()
                .findFirst()
                .map(JooqPositionStore::toRecord);
          }
        });
  }

  @Override
  public List<PositionRecord> loadOpen() {
    return db.read(
        "load open positions",
        (ctx, c) ->
            RowReader.readAll(
                ctx,
                POSITIONS,
                POSITIONS.ID,
                POSITIONS.ACCOUNT.eq(scope.name()).and(POSITIONS.STATUS.in(OPEN)),
                JooqPositionStore::toRecord,
                unreadable));
  }

  @Override
  public void updatePosition(
      long id, PositionSide side, BigDecimal quantity, BigDecimal entryPrice, AuditRecord event) {
    Objects.requireNonNull(side, "side");
    Objects.requireNonNull(quantity, "quantity");
    Objects.requireNonNull(entryPrice, "entryPrice");
    change(
        "update position",
        updatePositionStatement,
        id,
        event,
        v -> v.set(SIDE, side).set(QUANTITY, quantity).set(ENTRY_PRICE, entryPrice));
  }

  @Override
  public void recordStop(
      long id, ClientOrderId stopClientId, BigDecimal stopPrice, AuditRecord event) {
    Objects.requireNonNull(stopClientId, "stopClientId");
    Objects.requireNonNull(stopPrice, "stopPrice");
    change(
        "record stop",
        recordStopStatement,
        id,
        event,
        v -> v.set(STOP_CLIENT_ID, stopClientId.value()).set(STOP_PRICE, stopPrice));
  }

  @Override
  public void markClosing(long id, AuditRecord event) {
    change("mark closing", markClosingStatement, id, event, v -> v);
  }

  @Override
  public void close(long id, PositionClose close, AuditRecord event) {
    Objects.requireNonNull(close, "close");
    change(
        "close position",
        closeStatement,
        id,
        event,
        v ->
            v.set(EXIT_PRICE, close.exitPrice().orElse(null))
                .set(REALIZED_PNL, close.realizedPnl().orElse(null))
                .set(CLOSE_REASON, close.reason())
                .set(CLOSED_AT, AuditRows.micros(close.closedAt())));
  }

  @Override
  public void markRolledBack(long id, String reason, AuditRecord event) {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(event, "event");
    change(
        "mark rolled back",
        markRolledBackStatement,
        id,
        event,
        v -> v.set(NOTE, reason).set(CLOSED_AT, AuditRows.micros(event.time())));
  }

  private void change(
      String operation,
      RenderedStatement statement,
      long id,
      AuditRecord event,
      UnaryOperator<RenderedStatement.Values> changes) {
    Objects.requireNonNull(event, "event");
    if (event.positionId().isPresent() && event.positionId().getAsLong() != id) {
      throw new IllegalArgumentException(
          "event is about position " + event.positionId().getAsLong() + ", not " + id);
    }
    RenderedStatement.Values values =
        changes.apply(
            statement.values().set(ID, id).set(UPDATED_AT, AuditRows.micros(event.time())));
    AuditRows.bind(values, event);
    db.inOneStatement(
        operation + " " + id,
        (ctx, c) -> {
          try (PreparedStatement prepared = statement.prepare(c, values);
              ResultSet result = prepared.executeQuery()) {
            result.next();
            scope.refuseUnlessFenced(result.getLong(1));
            if (result.getLong(2) == 0) {
              throw refusal(ctx, scope, operation, id);
            }
          }
          return null;
        });
  }

  /** Why a guarded update touched no row: the row is missing, or it is no longer open. */
  private static RejectedException refusal(
      DSLContext ctx, AccountScope scope, String operation, long id) {
    Optional<PositionStatus> status =
        ctx.select(POSITIONS.STATUS)
            .from(POSITIONS)
            .where(POSITIONS.ID.eq(id))
            .and(POSITIONS.ACCOUNT.eq(scope.name()))
            .fetchOptional(POSITIONS.STATUS);
    return status
        .map(
            s ->
                new RejectedException(
                    "ILLEGAL_TRANSITION",
                    "position " + id + " is " + s + "; " + operation + " refused"))
        .orElseGet(
            () ->
                new RejectedException(
                    "NOT_FOUND", "no position with id " + id + " in account " + scope.account()));
  }

  static PositionRecord toRecord(PositionsRecord r) {
    return new PositionRecord(
        r.getId(),
        r.getExchange(),
        new Symbol(r.getSymbol()),
        r.getSide(),
        r.getQuantity(),
        r.getEntryPrice(),
        r.getStatus(),
        new ExchangeOrderId(r.getExchangeOrderId()),
        Optional.ofNullable(r.getEntryClientOrderId()).map(ClientOrderId::new),
        Optional.ofNullable(r.getSignalId()),
        Optional.ofNullable(r.getStopClientId()).map(ClientOrderId::new),
        Optional.ofNullable(r.getStopPrice()),
        Optional.ofNullable(r.getExitPrice()),
        Optional.ofNullable(r.getRealizedPnl()),
        Optional.ofNullable(r.getCloseReason()),
        Optional.ofNullable(r.getNote()),
        r.getOpenedAt(),
        r.getUpdatedAt(),
        Optional.ofNullable(r.getClosedAt()));
  }
}
