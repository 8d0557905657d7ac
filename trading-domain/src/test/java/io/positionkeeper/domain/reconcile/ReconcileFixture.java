package io.positionkeeper.domain.reconcile;

import io.positionkeeper.domain.audit.AuditEvent;
import io.positionkeeper.domain.audit.AuditSpool;
import io.positionkeeper.domain.audit.AuditTrail;
import io.positionkeeper.domain.audit.AuditWriterPolicy;
import io.positionkeeper.domain.audit.BatchingAuditWriter;
import io.positionkeeper.domain.audit.Subject;
import io.positionkeeper.domain.instrument.Instrument;
import io.positionkeeper.domain.instrument.InstrumentCatalog;
import io.positionkeeper.domain.open.IntentGuard;
import io.positionkeeper.domain.open.OpenPolicy;
import io.positionkeeper.domain.open.PositionOpener;
import io.positionkeeper.domain.open.RollbackFactory;
import io.positionkeeper.domain.position.Phase;
import io.positionkeeper.domain.position.Position;
import io.positionkeeper.domain.position.PositionBook;
import io.positionkeeper.domain.position.PositionKey;
import io.positionkeeper.domain.retry.Backoff;
import io.positionkeeper.domain.stream.ConnectionMonitor;
import io.positionkeeper.domain.tracking.OwnExits;
import io.positionkeeper.domain.tracking.PositionCloser;
import io.positionkeeper.domain.tracking.PositionTracker;
import io.positionkeeper.domain.trailing.TrailingParams;
import io.positionkeeper.domain.trailing.TrailingStops;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.fake.InMemoryAuditJournal;
import io.positionkeeper.ports.fake.InMemoryDeadLetterStore;
import io.positionkeeper.ports.fake.InMemoryPositionStore;
import io.positionkeeper.ports.fake.InMemoryTrailingStopStore;
import io.positionkeeper.ports.fake.ManualClock;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.ExchangeOrderId;
import io.positionkeeper.ports.model.InstrumentRules;
import io.positionkeeper.ports.model.NewPosition;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.Symbol;
import io.positionkeeper.ports.model.TrailingStatus;
import io.positionkeeper.ports.model.TrailingStopState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The domain wired to the fakes on a manual clock for reconciliation: like the shared harness, but
 * the audit trail goes through the real {@link BatchingAuditWriter} (so "no batch fails" can be
 * checked), the connection monitor listens to the stream, and the trailing stops are a recording
 * stand-in that removes states from the in-memory trailing store.
 */
final class ReconcileFixture implements AutoCloseable {
  final ManualClock clock = ManualClock.atDefaultStart();
  final Exchange venue;
  final FakeExchange exchange;
  final InMemoryAuditJournal journal = new InMemoryAuditJournal();
  final InMemoryDeadLetterStore deadLetters = new InMemoryDeadLetterStore();
  final InMemoryPositionStore store = new InMemoryPositionStore(journal);
  final InMemoryTrailingStopStore trailingStore = new InMemoryTrailingStopStore();
  final BatchingAuditWriter writer;
  final AuditTrail audit;
  final PositionBook book = new PositionBook(clock, new OwnExits());
  final InstrumentCatalog instruments = new InstrumentCatalog();
  final RecordingTrailingStops trailing = new RecordingTrailingStops(trailingStore);
  final PositionCloser closer;
  final PositionTracker tracker;
  final ConnectionMonitor monitor;
  final PositionOpener opener;

  ReconcileFixture(Path dir, Exchange venue) {
    this.venue = venue;
    exchange = new FakeExchange(venue, clock);
    try {
      writer =
          new BatchingAuditWriter(
              journal,
              deadLetters,
              AuditSpool.open(dir.resolve("audit.spool")),
              clock,
              new AuditWriterPolicy(1_000, 50, Duration.ofSeconds(1), Backoff.standard()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    audit = new AuditTrail(clock, writer);
    closer =
        new PositionCloser(
            Map.of(venue, exchange), store, book, audit, trailing, clock, Duration.ofSeconds(5));
    tracker = new PositionTracker(venue, book, store, audit, closer);
    monitor = new ConnectionMonitor(venue);
    opener =
        new PositionOpener(
            Map.of(venue, exchange),
            store,
            book,
            audit,
            trailing,
            closer,
            clock,
            OpenPolicy.standard(),
            instruments,
            IntentGuard.STANDARD,
            RollbackFactory.STANDARD);
    exchange.start(
        event -> {
          monitor.onEvent(event);
          tracker.onEvent(event);
        });
  }

  Reconciler reconciler(ReconcilePolicy policy) {
    return new Reconciler(
        exchange,
        monitor,
        store,
        book,
        audit,
        trailing,
        closer,
        clock,
        policy,
        instruments,
        ReconcileRule.STANDARD);
  }

  Reconciler reconciler() {
    return reconciler(ReconcilePolicy.standard());
  }

  PositionKey key(Symbol symbol) {
    return new PositionKey(venue, symbol);
  }

  /** Lists an instrument at a mark price. */
  void instrument(Symbol symbol, String tick, String step, String mark) {
    exchange.addInstrument(
        new InstrumentRules(
            symbol,
            new BigDecimal(tick),
            new BigDecimal(step),
            new BigDecimal(step),
            new BigDecimal("100000000"),
            BigDecimal.ZERO));
    exchange.setMarkPrice(symbol, new BigDecimal(mark));
  }

  /**
   * A stored, protected position, as the opener leaves one and the loader puts it in the book: the
   * row (with its creation event), the book entry, a working stop recorded on the row, and a
   * trailing state. The exchange holds the position only when {@code onExchange}.
   */
  long storedPosition(
      Symbol symbol, PositionSide side, String qty, String entry, String stop, boolean onExchange) {
    BigDecimal quantity = new BigDecimal(qty);
    BigDecimal entryPrice = new BigDecimal(entry);
    ClientOrderId entryId = ClientOrderId.of("pko-" + symbol.value().toLowerCase() + "-1");
    if (onExchange) {
      exchange.seedPosition(
          symbol,
          side == PositionSide.LONG ? quantity : quantity.negate(),
          entryPrice,
          Optional.of(ExchangeOrderId.of("77" + Math.abs(symbol.hashCode()))));
    }
    ExchangeOrderId orderId = ExchangeOrderId.of("77" + Math.abs(symbol.hashCode()));
    long id =
        store.insert(
            new NewPosition(
                venue,
                symbol,
                side,
                quantity,
                entryPrice,
                orderId,
                Optional.of(entryId),
                Optional.of("signal-" + symbol),
                clock.now()),
            audit.toRecord(
                new AuditEvent.PositionCreated(
                    Subject.symbol(key(symbol), entryId.value()),
                    side,
                    quantity,
                    entryPrice,
                    orderId,
                    Optional.of("signal-" + symbol))));
    book.load(
        Position.active(
            id,
            key(symbol),
            side,
            quantity,
            entryPrice,
            entryId,
            Optional.empty(),
            Phase.ACTIVE,
            clock.now()));
    ClientOrderId stopId = ClientOrderId.of("pks-" + symbol.value().toLowerCase() + "-1");
    BigDecimal trigger = new BigDecimal(stop);
    if (onExchange) {
      exchange.placeStopLoss(new StopLossRequest(symbol, side, trigger, stopId));
    }
    store.recordStop(
        id,
        stopId,
        trigger,
        audit.toRecord(
            new AuditEvent.StopPlaced(
                Subject.stored(key(symbol), id, entryId.value()), stopId, trigger, 1, "opening")));
    book.recordStop(key(symbol), book.get(key(symbol)).orElseThrow().id(), stopId);
    trailingStore.save(
        new TrailingStopState(
            id,
            symbol,
            side,
            entryPrice,
            entryPrice,
            BigDecimal.ONE,
            TrailingStatus.INACTIVE,
            entryPrice,
            Optional.of(trigger),
            0,
            Optional.empty(),
            Optional.empty(),
            entryPrice,
            clock.now()));
    return id;
  }

  /** Everything the journal holds once the writer has flushed. */
  List<AuditRecord> trail() {
    writer.flush();
    return journal.records();
  }

  List<String> types() {
    return trail().stream().map(AuditRecord::type).toList();
  }

  @Override
  public void close() {
    writer.close();
  }

  /** Trailing stops that only record the hand-offs and remove the persisted state on stop. */
  static final class RecordingTrailingStops implements TrailingStops {
    final List<Long> started = new ArrayList<>();
    final List<Long> stopped = new ArrayList<>();
    final List<Long> stopsPlaced = new ArrayList<>();
    private final InMemoryTrailingStopStore store;

    RecordingTrailingStops(InMemoryTrailingStopStore store) {
      this.store = store;
    }

    @Override
    public void start(
        Position position,
        long dbId,
        Instrument instrument,
        TrailingParams params,
        StopOrder stop) {
      started.add(dbId);
    }

    @Override
    public void onStopPlaced(Position position, long dbId, StopOrder stop) {
      stopsPlaced.add(dbId);
    }

    @Override
    public void stop(long dbId) {
      stopped.add(dbId);
      store.delete(dbId);
    }

    @Override
    public boolean hasMovedStop(long dbId) {
      return false;
    }

    @Override
    public java.util.Optional<java.math.BigDecimal> trailedStop(
        long dbId, io.positionkeeper.ports.model.PositionSide side) {
      return java.util.Optional.empty();
    }
  }
}
