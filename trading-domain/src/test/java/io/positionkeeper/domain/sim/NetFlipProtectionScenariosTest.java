package io.positionkeeper.domain.sim;

import static io.positionkeeper.domain.Harness.BTC;
import static io.positionkeeper.domain.Harness.intent;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.open.OpenIntent;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.TrailingStopState;
import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A net flip written normally: an entry whose answer was lost (a LONG of 1,000 USDT) lands after a
 * smaller SHORT (500 USDT) opened on the symbol. The venue keeps one net position per symbol
 * (one-way mode), so it now holds a LONG of about 500 USDT, and the stream's update of the row is
 * written (no store fault): the row says LONG. The SHORT's close-position stop (above the mark)
 * cannot protect a LONG. The keeper must put a stop on the LONG's side within I1's window, at a
 * level computed for the LONG (below the mark), never at the SHORT's level: re-placed there it
 * would trigger at once and the keeper would close the position at market (EMERGENCY).
 */
class NetFlipProtectionScenariosTest {
  private static final Duration WINDOW = Invariants.STOP_WINDOW;

  private SimWorld flipped(FakeExchange.Flavour flavour) {
    SimWorld w = new SimWorld(flavour);
    w.exchange.setMarkPrice(BTC, new BigDecimal("65000"));
    java.time.Instant landing = w.clock.now().plus(Duration.ofSeconds(20));
    w.exchange.nextOrderLandsAfter(Duration.ofSeconds(20));
    assertThat(w.keeper.open(intentOn(w, PositionSide.LONG, "1000", "late-long")))
        .isInstanceOf(OpenResult.Failed.class);
    // A keeper that remembers the entry in doubt refuses the next open on the symbol until the
    // venue settles it; one restarted in between has forgotten it, and the flip can happen.
    w.restart();
    assertThat(w.keeper.open(intentOn(w, PositionSide.SHORT, "500", "short")))
        .isInstanceOf(OpenResult.Opened.class);
    assertThat(longStops(w)).isEmpty();
    // To the landing and no further.
    w.clock.advance(Duration.between(w.clock.now(), landing));
    assertThat(w.exchange.positionSize(BTC)).isPositive();
    assertThat(w.store.loadOpen())
        .singleElement()
        .extracting(PositionRecord::side)
        .isEqualTo(PositionSide.LONG);
    return w;
  }

  private static OpenIntent intentOn(SimWorld w, PositionSide side, String quote, String id) {
    OpenIntent i = intent(BTC, side, quote, id);
    return new OpenIntent(
        w.exchange.exchange(),
        i.symbol(),
        i.side(),
        i.size(),
        i.sizeUnit(),
        i.stopLossPercent(),
        i.trailing(),
        i.signalId(),
        i.intentId());
  }

  private static java.util.List<StopOrder> longStops(SimWorld w) {
    return w.exchange.workingStops(BTC).stream()
        .filter(s -> s.positionSide() == PositionSide.LONG)
        .toList();
  }

  private static void protectedAsALong(SimWorld w) {
    BigDecimal mark = w.exchange.markPrice(BTC).price();
    assertThat(w.exchange.workingStops(BTC))
        .as("one stop, on the LONG's side, below the mark")
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.positionSide()).isEqualTo(PositionSide.LONG);
              assertThat(s.triggerPrice()).isLessThan(mark);
            });
    StopOrder stop = w.exchange.workingStops(BTC).get(0);
    assertThat(w.store.loadOpen())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.side()).isEqualTo(PositionSide.LONG);
              assertThat(r.stopClientId()).contains(stop.clientId());
              assertThat(r.stopPrice()).hasValueSatisfying(p -> assertThat(p).isLessThan(mark));
            });
    assertThat(w.trailingStore.loadAll())
        .singleElement()
        .extracting(TrailingStopState::side)
        .isEqualTo(PositionSide.LONG);
  }

  @ParameterizedTest
  @EnumSource(
      value = FakeExchange.Flavour.class,
      names = {"BINANCE", "BYBIT"})
  void aFlipWrittenNormally_isProtectedOnTheNewSide_withinTheWindow(FakeExchange.Flavour flavour) {
    SimWorld w = flipped(flavour);

    w.clock.advance(WINDOW);

    protectedAsALong(w);
    // The position lives on: no emergency close at the old side's level.
    w.clock.advance(Duration.ofMinutes(3));
    assertThat(w.exchange.positionSize(BTC)).isPositive();
    assertThat(w.store.all()).noneMatch(r -> r.closeReason().isPresent());
    protectedAsALong(w);
  }

  @Test
  void aFlipSeenOnlyByTheReconciliationAfterARestart_isProtectedOnTheNewSide() {
    // The keeper restarts the moment the flip is written. Its timer may already have acted on
    // the flip (the news path); without that news (checked with the watch's flip news removed)
    // the restarted keeper's first reconciliation and the restored trailing state (stored SHORT,
    // the row LONG with the SHORT's stop) protect the LONG from its entry just the same.
    SimWorld w = flipped(FakeExchange.Flavour.BINANCE);

    w.restart();
    w.clock.advance(WINDOW);

    protectedAsALong(w);
    w.clock.advance(Duration.ofMinutes(3));
    assertThat(w.exchange.positionSize(BTC)).isPositive();
    assertThat(w.store.all()).noneMatch(r -> r.closeReason().isPresent());
  }
}
