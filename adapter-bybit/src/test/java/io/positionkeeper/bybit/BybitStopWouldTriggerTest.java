package io.positionkeeper.bybit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.bybit.emulator.BybitEmulator;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.StopWouldTriggerException;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Side;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The venue's refusal of a stop-loss its price has already crossed reaches the keeper as {@link
 * StopWouldTriggerException}, on a first placement and on a move, and no other refusal does. No
 * live payload of these answers is among the shared fixtures; the codes are the error table's
 * (110092 / 110093), the 10001 message the emulator's (inferred from third-party reports).
 */
class BybitStopWouldTriggerTest {
  private static final Symbol BTC = Symbol.of("BTCUSDT");
  private static final String TRADING_STOP = "/v5/position/trading-stop";

  private BybitEmulator venue;
  private BybitAdapter adapter;

  @BeforeEach
  void start() {
    venue = BybitEmulator.start();
    venue.setMarkPrice(BTC, new BigDecimal("64000"));
    adapter = BybitAdapter.create(venue.config(), venue.credentials());
    adapter
        .gateway()
        .placeMarketOrder(
            new MarketOrderRequest(
                BTC, Side.BUY, new BigDecimal("0.010"), ClientOrderId.of("entry"), false));
  }

  @AfterEach
  void stop() {
    adapter.close();
    venue.close();
  }

  private static StopLossRequest longStop(String id, String trigger) {
    return new StopLossRequest(
        BTC, PositionSide.LONG, new BigDecimal(trigger), ClientOrderId.of(id));
  }

  @Test
  void aFirstStopAboveALongsMark_isACrossing_andNoStopIsSet() {
    assertThatThrownBy(() -> adapter.gateway().placeStopLoss(longStop("pks-x-1", "64100")))
        .isInstanceOfSatisfying(
            StopWouldTriggerException.class,
            e -> {
              assertThat(e.code()).isEqualTo("10001");
              assertThat(e.reason()).contains("base_price");
            });
    assertThat(adapter.gateway().openStopLosses(BTC)).isEmpty();
  }

  @Test
  void aMoveBeyondTheMark_isACrossing_andTheOldStopStaysAtItsLevel() {
    StopOrder first = adapter.gateway().placeStopLoss(longStop("pks-x-1", "62000"));

    assertThatThrownBy(() -> adapter.gateway().moveStopLoss(first, longStop("pkm-x-2", "64500")))
        .isInstanceOf(StopWouldTriggerException.class);

    assertThat(adapter.gateway().openStopLosses(BTC))
        .singleElement()
        .satisfies(s -> assertThat(s.triggerPrice()).isEqualByComparingTo("62000"));
  }

  @ParameterizedTest
  @CsvSource({
    "110092, 'expect Rising, but trigger_price[6350000] <= current[6400000]??MarkPrice'",
    "110093, 'expect Falling, but trigger_price[6450000] >= current[6400000]??MarkPrice'"
  })
  void theTriggerDirectionCodes_areACrossing(int retCode, String retMsg) {
    venue.faults().failNext("POST", TRADING_STOP, 1, retCode, retMsg);

    assertThatThrownBy(() -> adapter.gateway().placeStopLoss(longStop("pks-x-1", "63000")))
        .isInstanceOfSatisfying(
            StopWouldTriggerException.class,
            e -> assertThat(e.code()).isEqualTo(Integer.toString(retCode)));
  }

  @Test
  void anotherParameterError_isARefusal_notACrossing() {
    venue.faults().failNext("POST", TRADING_STOP, 1, 10001, "params error: stopLoss invalid");

    assertThatThrownBy(() -> adapter.gateway().placeStopLoss(longStop("pks-x-1", "63000")))
        .isInstanceOfSatisfying(
            RejectedException.class,
            e -> {
              assertThat(e.code()).isEqualTo("10001");
              assertThat(e).isNotInstanceOf(StopWouldTriggerException.class);
            });
  }
}
