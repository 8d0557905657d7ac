package io.positionkeeper.domain.open;

import static io.positionkeeper.domain.Harness.BTC;
import static io.positionkeeper.domain.Harness.intent;
import static io.positionkeeper.domain.Harness.key;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.Harness;
import io.positionkeeper.domain.position.PositionId;
import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.PersistenceException;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.RateLimitedException;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.fake.FaultKnobs;
import io.positionkeeper.ports.fake.InMemoryPositionStore;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionStatus;
import io.positionkeeper.ports.model.StreamEvent;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever the exchange and the store do (within what a venue does: each operation fails at most
 * twice in a row), after an opening returns: every position on the exchange has exactly one working
 * stop, or there is none; the entry order exists at most once; and the book and the store agree.
 */
class OpenInvariantPropertiesTest {

  enum Kind {
    RETRYABLE,
    RATE_LIMITED,
    REJECTED,
    UNKNOWN_BEFORE_EFFECT,
    UNKNOWN_AFTER_EFFECT
  }

  record Fault(FakeExchange.Op op, Kind kind) {}

  record Scenario(
      List<Fault> faults,
      boolean ackResponses,
      boolean dropOrderEvent,
      boolean dropPositionEvent,
      boolean failInsert,
      boolean failRecordStop,
      PositionSide side) {}

  @Provide
  Arbitrary<Scenario> scenarios() {
    Arbitrary<Fault> fault =
        Combinators.combine(
                Arbitraries.of(
                    FakeExchange.Op.PLACE_ORDER,
                    FakeExchange.Op.QUERY_ORDER,
                    FakeExchange.Op.PLACE_STOP,
                    FakeExchange.Op.OPEN_STOPS,
                    FakeExchange.Op.POSITIONS,
                    FakeExchange.Op.CANCEL_STOP),
                Arbitraries.of(Kind.class))
            .as(Fault::new);
    return Combinators.combine(
            fault.list().ofMaxSize(8),
            Arbitraries.of(true, false),
            Arbitraries.of(true, false),
            Arbitraries.of(true, false),
            Arbitraries.of(true, false),
            Arbitraries.of(true, false),
            Arbitraries.of(PositionSide.class))
        .as(Scenario::new);
  }

  private static PortException exception(Kind kind) {
    return switch (kind) {
      case RETRYABLE -> new RetryableException("503 Service Unavailable");
      case RATE_LIMITED -> new RateLimitedException("429", Duration.ofMillis(300));
      case REJECTED ->
          new RejectedException(
              "-4131",
              "The counterparty's best price does not meet the PERCENT_PRICE filter limit.");
      case UNKNOWN_BEFORE_EFFECT, UNKNOWN_AFTER_EFFECT -> new OutcomeUnknownException("timeout");
    };
  }

  @Property(tries = 400)
  void afterAnOpening_everyExchangePositionHasExactlyOneStop_orIsClosed(
      @ForAll("scenarios") Scenario s) {
    Harness h = new Harness();
    java.util.Map<FakeExchange.Op, Integer> perOp = new java.util.EnumMap<>(FakeExchange.Op.class);
    for (Fault f : s.faults()) {
      if (perOp.merge(f.op(), 1, Integer::sum) > 2) {
        continue;
      }
      FaultKnobs.When when =
          f.kind() == Kind.UNKNOWN_AFTER_EFFECT
              ? FaultKnobs.When.AFTER_EFFECT
              : FaultKnobs.When.BEFORE_EFFECT;
      h.exchange.faults().failNext(f.op(), exception(f.kind()), when);
    }
    if (s.ackResponses()) {
      h.exchange.responseMode(FakeExchange.ResponseMode.ACK);
    }
    if (s.dropOrderEvent()) {
      h.exchange.dropNext(StreamEvent.OrderChanged.class, 1);
    }
    if (s.dropPositionEvent()) {
      h.exchange.dropNext(StreamEvent.PositionChanged.class, 1);
    }
    if (s.failInsert()) {
      h.store.faults().failNext(InMemoryPositionStore.Op.INSERT, new PersistenceException("down"));
    }
    if (s.failRecordStop()) {
      h.store
          .faults()
          .failNext(InMemoryPositionStore.Op.RECORD_STOP, new PersistenceException("down"));
    }

    OpenResult result = h.keeper.open(intent(BTC, s.side(), "1000", "prop"));

    assertThat(h.everyOpenPositionHasExactlyOneStop())
        .as("one stop per open position; %s", result)
        .isTrue();
    assertThat(h.exchange.orders())
        .filteredOn(o -> o.clientOrderId().value().startsWith("pko-"))
        .hasSizeLessThanOrEqualTo(1);
    switch (result) {
      case OpenResult.Opened opened -> {
        assertThat(h.store.find(opened.positionId()).orElseThrow().status())
            .isEqualTo(PositionStatus.ACTIVE);
        assertThat(h.book.get(key(BTC)).orElseThrow().id()).isInstanceOf(PositionId.Db.class);
        assertThat(h.exchange.openPositions()).hasSize(1);
      }
      case OpenResult.Failed failed -> {
        // The book is always cleaned (the last undo step cannot fail).
        assertThat(h.book.all()).isEmpty();
        if (failed.cleanlyRolledBack()) {
          assertThat(h.exchange.openPositions()).as("%s", failed).isEmpty();
          assertThat(h.store.loadOpen()).isEmpty();
        } else {
          // A venue that definitively refuses an undo step: the failure is reported, never hidden.
          assertThat(h.journal.records())
              .anySatisfy(r -> assertThat(r.payload()).containsEntry("succeeded", "false"));
        }
      }
      case OpenResult.Refused refused -> {
        assertThat(h.exchange.orderRequests()).isEmpty();
        assertThat(h.book.all()).isEmpty();
      }
    }
  }
}
