package io.positionkeeper.runner.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.StaleLeaseException;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.fake.InMemoryAccountLease;
import io.positionkeeper.ports.fake.ManualClock;
import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.InstrumentRules;
import io.positionkeeper.ports.model.Lease;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Side;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Once the runner's lease is lost, no write of it reaches the venue (no order, no stop placed,
 * moved or cancelled), while reads go on; the refusal itself stops the runner when the lease's
 * watchdog is late.
 */
class LeaseFencedGatewayTest {
  private static final Symbol BTC = Symbol.of("BTCUSDT");
  private static final Duration TTL = Duration.ofSeconds(30);

  private final FakeExchange venue =
      new FakeExchange(Exchange.BINANCE, ManualClock.atDefaultStart());
  private final InMemoryAccountLease leases = new InMemoryAccountLease(Clock.system());
  private final CountDownLatch lost = new CountDownLatch(1);

  LeaseFencedGatewayTest() {
    venue.addInstrument(
        new InstrumentRules(
            BTC,
            new BigDecimal("0.10"),
            new BigDecimal("0.001"),
            new BigDecimal("0.001"),
            new BigDecimal("120"),
            new BigDecimal("100")));
    venue.setMarkPrice(BTC, new BigDecimal("64000"));
  }

  private LeaseRenewal renewal(long sentNanos) {
    Lease lease = leases.acquire(AccountId.of("acc"), "me", TTL);
    return new LeaseRenewal(leases, lease, sentNanos, TTL, lost::countDown);
  }

  private static MarketOrderRequest entry(String id) {
    return new MarketOrderRequest(
        BTC, Side.BUY, new BigDecimal("0.01"), ClientOrderId.of(id), false);
  }

  private static StopLossRequest stop(String id, String trigger) {
    return new StopLossRequest(
        BTC, PositionSide.LONG, new BigDecimal(trigger), ClientOrderId.of(id));
  }

  @Test
  void whileTheLeaseIsHeld_everyWriteReachesTheVenue() {
    try (LeaseRenewal renewal = renewal(System.nanoTime())) {
      LeaseFencedGateway gateway = new LeaseFencedGateway(venue, renewal::ensureHeld);

      gateway.placeMarketOrder(entry("e-1"));
      StopOrder placed = gateway.placeStopLoss(stop("s-1", "63000"));
      StopOrder moved = gateway.moveStopLoss(placed, stop("s-2", "63500"));
      gateway.cancelStopLoss(BTC, moved.clientId());

      assertThat(venue.positionSize(BTC)).isEqualByComparingTo("0.01");
      assertThat(venue.workingStops(BTC)).isEmpty();
      assertThat(lost.getCount()).isEqualTo(1);
    }
  }

  /**
   * The lease is lost between the entry's fill and its stop (another runner took the account over
   * and fenced this one's store write): the stop is not placed, nor the fill closed; the successor
   * adopts and protects the position.
   */
  @Test
  void aLeaseLostAfterTheFill_refusesTheStop_andTheEmergencyClose_butLetsReadsGoOn() {
    try (LeaseRenewal renewal = renewal(System.nanoTime())) {
      LeaseFencedGateway gateway = new LeaseFencedGateway(venue, renewal::ensureHeld);
      gateway.placeMarketOrder(entry("e-1"));

      renewal.fencedOut(new StaleLeaseException("epoch 2 is current, not 1"));

      assertThatThrownBy(() -> gateway.placeStopLoss(stop("s-1", "63000")))
          .isInstanceOf(StaleLeaseException.class)
          .hasMessageContaining("does not go on to place stop s-1 on BTCUSDT");
      assertThatThrownBy(
              () ->
                  gateway.placeMarketOrder(
                      new MarketOrderRequest(
                          BTC, Side.SELL, new BigDecimal("0.01"), ClientOrderId.of("c-1"), true)))
          .isInstanceOf(StaleLeaseException.class)
          .hasMessageContaining("reduce-only SELL order c-1");
      assertThat(venue.workingStops(BTC)).isEmpty();
      assertThat(venue.positionSize(BTC)).isEqualByComparingTo("0.01");
      assertThat(venue.orderRequests()).hasSize(1);
      // Reads go on: the runner still reports what it sees while it stops.
      assertThat(gateway.positions()).isNotNull();
      assertThat(gateway.openStopLosses(BTC)).isEmpty();
    }
  }

  @Test
  void aLeaseLost_refusesMovesAndCancels_ofAStopPlacedBefore() {
    try (LeaseRenewal renewal = renewal(System.nanoTime())) {
      LeaseFencedGateway gateway = new LeaseFencedGateway(venue, renewal::ensureHeld);
      gateway.placeMarketOrder(entry("e-1"));
      StopOrder placed = gateway.placeStopLoss(stop("s-1", "63000"));

      renewal.fencedOut(new StaleLeaseException("epoch 2 is current, not 1"));

      assertThatThrownBy(() -> gateway.moveStopLoss(placed, stop("s-2", "63500")))
          .isInstanceOf(StaleLeaseException.class);
      assertThatThrownBy(() -> gateway.cancelStopLoss(BTC, placed.clientId()))
          .isInstanceOf(StaleLeaseException.class);
      assertThatThrownBy(() -> gateway.cancelOrder(BTC, ClientOrderId.of("e-1")))
          .isInstanceOf(StaleLeaseException.class);
      assertThat(venue.workingStops(BTC))
          .singleElement()
          .satisfies(s -> assertThat(s.triggerPrice()).isEqualByComparingTo("63000"));
    }
  }

  /**
   * No renewal answered for nine tenths of the time-to-live (the database away, or its answers
   * late): the lease may expire and be taken, so no write goes out, and the runner is stopped.
   */
  @Test
  void aLeasePastItsDeadline_refusesEveryWrite_andStopsTheRunner() {
    try (LeaseRenewal renewal = renewal(System.nanoTime() - TTL.toNanos())) {
      LeaseFencedGateway gateway = new LeaseFencedGateway(venue, renewal::ensureHeld);

      assertThatThrownBy(() -> gateway.placeMarketOrder(entry("e-1")))
          .isInstanceOf(StaleLeaseException.class)
          .hasMessageContaining("does not go on to send BUY order e-1 on BTCUSDT");
      assertThat(venue.orderRequests()).isEmpty();
      assertThat(lost.getCount()).as("the runner is told to stop").isZero();
    }
  }
}
