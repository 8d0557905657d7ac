package io.positionkeeper.runner.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.fake.ManualClock;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.Symbol;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The dry run's gateway forwards reads only. Its reads come from a forwarding base, so a call added
 * to the gateway would be forwarded silently: this test makes every call either refused here or
 * named a read below.
 */
class ReadOnlyGatewayTest {
  private static final Set<String> READS =
      Set.of(
          "exchange",
          "instruments",
          "instrument",
          "queryOrder",
          "openStopLosses",
          "allOpenStopLosses",
          "positions",
          "openingOrderId",
          "exitSince",
          "markPrice",
          "serverTime");

  @Test
  void everyGatewayCall_isARead_orRefusedByTheReadOnlyGateway() {
    Set<String> refused =
        Arrays.stream(ReadOnlyGateway.class.getDeclaredMethods())
            .map(Method::getName)
            .collect(Collectors.toSet());
    assertThat(ExchangeGateway.class.getMethods())
        .allSatisfy(
            m ->
                assertThat(READS.contains(m.getName()) || refused.contains(m.getName()))
                    .as(m.getName())
                    .isTrue());
  }

  @Test
  void aWrite_isRefusedBeforeTheVenue_andAReadIsForwarded() {
    FakeExchange venue = new FakeExchange(Exchange.BINANCE, ManualClock.atDefaultStart());
    ReadOnlyGateway gateway = new ReadOnlyGateway(venue);

    assertThatThrownBy(
            () -> gateway.cancelStopLoss(Symbol.of("BTCUSDT"), new ClientOrderId("pk-stop-1")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("dry run");
    assertThat(gateway.exchange()).isEqualTo(Exchange.BINANCE);
    assertThat(gateway.positions()).isEqualTo(venue.positions());
  }
}
