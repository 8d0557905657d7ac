package io.positionkeeper.postgres;

import static io.positionkeeper.postgres.schema.Tables.POSITIONS;

import io.positionkeeper.ports.PositionStore;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.ClientOrderId;
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
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
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

  private final Database db;
  private final UnreadableRows unreadable;
  private final AccountScope scope;

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
  }

  @Override
  public long insert(NewPosition p, AuditRecord created) {
    Objects.requireNonNull(p, "position");
    Objects.requireNonNull(created, "created");
    if (created.positionId().isPresent()) {
      throw new IllegalArgumentException(
          "the creation event of a new row must not carry a position id");
    }
    return db.inOneStatement(
        "insert position " + p.exchange() + " " + p.symbol(),
        (ctx, c) -> {
          // One statement: the fence, the row, and its creation event with the new id.
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
                              DSL.val(scope.name(), POSITIONS.ACCOUNT),
                              DSL.val(p.exchange(), POSITIONS.EXCHANGE),
                              DSL.val(p.symbol().value(), POSITIONS.SYMBOL),
                              DSL.val(p.side(), POSITIONS.SIDE),
                              DSL.val(p.quantity(), POSITIONS.QUANTITY),
                              DSL.val(p.entryPrice(), POSITIONS.ENTRY_PRICE),
                              DSL.val(PositionStatus.ACTIVE, POSITIONS.STATUS),
                              DSL.val(p.signalId().orElse(null), POSITIONS.SIGNAL_ID),
                              DSL.val(p.exchangeOrderId().value(), POSITIONS.EXCHANGE_ORDER_ID),
                              DSL.val(
                                  p.entryClientOrderId().map(ClientOrderId::value).orElse(null),
                                  POSITIONS.ENTRY_CLIENT_ORDER_ID),
                              DSL.val(AuditRows.micros(p.openedAt()), POSITIONS.OPENED_AT),
                              DSL.val(AuditRows.micros(p.openedAt()), POSITIONS.UPDATED_AT))
                          .whereExists(DSL.selectOne().from(FENCE)))
                  .returning(POSITIONS.ID);
          Record result =
              ctx.resultQuery(
                      "WITH fence AS ({0}), written AS ({1}), event AS ({2})"
                          + " SELECT (SELECT count(*) FROM fence) AS fenced,"
                          + " (SELECT id FROM written) AS id",
                      scope.fenceQuery(ctx),
                      row,
                      AuditRows.insertFrom(ctx, scope.account(), created, WRITTEN, WRITTEN_ID))
                  .fetchSingle();
          scope.refuseUnlessFenced(result.get(0, Long.class));
          Long id = result.get(1, Long.class);
          if (id == null) {
            throw new IllegalStateException("the insert of a fenced position returned no id");
          }
          return id;
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
    return db.read(
        "find position by entry order " + entryClientOrderId.value(),
        (ctx, c) ->
            ctx.selectFrom(POSITIONS)
                .where(POSITIONS.ENTRY_CLIENT_ORDER_ID.eq(entryClientOrderId.value()))
                .and(POSITIONS.ACCOUNT.eq(scope.name()))
                .orderBy(POSITIONS.ID.desc())
                .limit(1)
                .fetchOptional()
                .map(JooqPositionStore::toRecord));
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
        id,
        event,
        u ->
            u.set(POSITIONS.SIDE, side)
                .set(POSITIONS.QUANTITY, quantity)
                .set(POSITIONS.ENTRY_PRICE, entryPrice));
  }

  @Override
  public void recordStop(
      long id, ClientOrderId stopClientId, BigDecimal stopPrice, AuditRecord event) {
    Objects.requireNonNull(stopClientId, "stopClientId");
    Objects.requireNonNull(stopPrice, "stopPrice");
    change(
        "record stop",
        id,
        event,
        u ->
            u.set(POSITIONS.STOP_CLIENT_ID, stopClientId.value())
                .set(POSITIONS.STOP_PRICE, stopPrice));
  }

  @Override
  public void markClosing(long id, AuditRecord event) {
    change("mark closing", id, event, u -> u.set(POSITIONS.STATUS, PositionStatus.CLOSING));
  }

  @Override
  public void close(long id, PositionClose close, AuditRecord event) {
    Objects.requireNonNull(close, "close");
    change(
        "close position",
        id,
        event,
        u ->
            u.set(POSITIONS.STATUS, PositionStatus.CLOSED)
                // NULL when unknown: the database refuses that for anything but a PHANTOM close.
                .set(POSITIONS.EXIT_PRICE, close.exitPrice().orElse(null))
                .set(POSITIONS.REALIZED_PNL, close.realizedPnl().orElse(null))
                .set(POSITIONS.CLOSE_REASON, close.reason())
                .set(POSITIONS.CLOSED_AT, AuditRows.micros(close.closedAt())));
  }

  @Override
  public void markRolledBack(long id, String reason, AuditRecord event) {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(event, "event");
    change(
        "mark rolled back",
        id,
        event,
        u ->
            u.set(POSITIONS.STATUS, PositionStatus.ROLLED_BACK)
                .set(POSITIONS.NOTE, reason)
                .set(POSITIONS.CLOSED_AT, AuditRows.micros(event.time())));
  }

  private void change(
      String operation,
      long id,
      AuditRecord event,
      UnaryOperator<UpdateSetMoreStep<PositionsRecord>> changes) {
    Objects.requireNonNull(event, "event");
    if (event.positionId().isPresent() && event.positionId().getAsLong() != id) {
      throw new IllegalArgumentException(
          "event is about position " + event.positionId().getAsLong() + ", not " + id);
    }
    db.inOneStatement(
        operation + " " + id,
        (ctx, c) -> {
          // One statement: the fence, the guarded change, and its event when it changed the row.
          var update =
              changes
                  .apply(
                      ctx.update(POSITIONS)
                          .set(POSITIONS.UPDATED_AT, AuditRows.micros(event.time())))
                  .where(POSITIONS.ID.eq(id))
                  .and(POSITIONS.ACCOUNT.eq(scope.name()))
                  .and(POSITIONS.STATUS.in(OPEN))
                  .andExists(DSL.selectOne().from(FENCE))
                  .returning(POSITIONS.ID);
          Record result =
              ctx.resultQuery(
                      "WITH fence AS ({0}), written AS ({1}), event AS ({2})"
                          + " SELECT (SELECT count(*) FROM fence) AS fenced,"
                          + " (SELECT count(*) FROM written) AS updated",
                      scope.fenceQuery(ctx),
                      update,
                      AuditRows.insertFrom(
                          ctx, scope.account(), event.withPositionId(id), WRITTEN, WRITTEN_ID))
                  .fetchSingle();
          scope.refuseUnlessFenced(result.get(0, Long.class));
          if (result.get(1, Long.class) == 0) {
            throw refusal(ctx, scope, operation, id);
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
