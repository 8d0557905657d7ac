package io.positionkeeper.bybit.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.positionkeeper.bybit.BybitAdapter;
import io.positionkeeper.bybit.emulator.BybitEmulator;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.fake.FaultKnobs;
import io.positionkeeper.ports.fake.ManualClock;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.ExchangePosition;
import io.positionkeeper.ports.model.InstrumentRules;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.OrderReport;
import io.positionkeeper.ports.model.PositionExit;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Side;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The simulator's Bybit flavour of the in-memory {@link FakeExchange} against the Bybit emulator
 * behind the real {@code BybitGateway}: one script of port calls runs on both, and what a caller
 * observes must be the same line for line.
 *
 * <p>Normalised, because they legitimately differ: order and stop ids the venue assigns (the fake
 * numbers them, Bybit's are opaque strings and its position stop has none), timestamps (the fake's
 * manual clock against the wall clock), the codes of refusals (each side names its own; only the
 * exception's kind is compared), and flat position rows (the port lets a venue list them; Bybit's
 * settle-coin list omits them, the fake keeps them), which are filtered by their raw size as the
 * port tells readers to. Prices and quantities are compared as numbers (trailing zeros dropped).
 *
 * <p>The only step that differs in how it is driven is the landing of an ambiguous order: the fake
 * lands it when its manual clock is advanced, the emulator after a real delay.
 */
class BybitFlavourDifferentialTest {
  static final Symbol BTC = Symbol.of("BTCUSDT");

  /** One venue under the script: the port, and what the test does to the venue around it. */
  interface Venue extends AutoCloseable {
    ExchangeGateway gateway();

    void setMark(String price);

    void closeByHand();

    /** The next order's answer is lost; the order lands a little later. */
    void nextOrderAmbiguous();

    /** Waits (or advances time) until the ambiguous order is on the venue. */
    void letAmbiguousOrderLand(ClientOrderId id);

    /** The next stop's answer is lost; the stop is set anyway. */
    void nextStopAmbiguous();

    /** Waits until the ambiguous stop is listed. */
    void letAmbiguousStopLand(Symbol symbol);

    @Override
    void close();
  }

  @Test
  void theFakesBybitFlavourAnswersAsTheEmulatorBehindTheGateway() {
    List<String> emulated;
    try (Venue venue = new EmulatedVenue()) {
      emulated = new Script(venue).run();
    }
    List<String> fake;
    try (Venue venue = new FakeVenue()) {
      fake = new Script(venue).run();
    }
    assertEquals(String.join("\n", emulated), String.join("\n", fake));
  }

  /** The script and its normalised record of what the caller saw. */
  static final class Script {
    private final Venue venue;
    private final ExchangeGateway gw;
    private final List<String> seen = new ArrayList<>();

    Script(Venue venue) {
      this.venue = venue;
      this.gw = venue.gateway();
    }

    List<String> run() {
      venue.setMark("64000");
      see("instrument", () -> rules(gw.instrument(BTC)));
      see("unknown instrument", () -> rules(gw.instrument(Symbol.of("NOSUCHUSDT"))));
      see("mark", () -> num(gw.markPrice(BTC).price()));
      see("stop without a position", () -> stop(gw.placeStopLoss(sl("pks-d-sl0", "63000"))));
      ClientOrderId entry = ClientOrderId.of("pks-d-entry1");
      see("entry", () -> order(gw.placeMarketOrder(buy(entry, "0.010"))));
      see("query entry", () -> gw.queryOrder(BTC, entry).map(Script::order));
      see("positions", this::positions);
      see("opening order known", () -> gw.openingOrderId(BTC, PositionSide.LONG).isPresent());
      see("stop", () -> stop(gw.placeStopLoss(sl("pks-d-sl1", "63000"))));
      see("same stop again", () -> stop(gw.placeStopLoss(sl("pks-d-sl1", "63000"))));
      see("its id, another trigger", () -> stop(gw.placeStopLoss(sl("pks-d-sl1", "62900"))));
      see("stop that would trigger now", () -> stop(gw.placeStopLoss(sl("pks-d-slx", "64100"))));
      see("stops", this::stops);
      StopOrder current = gw.openStopLosses(BTC).get(0);
      see("trailing move", () -> stop(gw.moveStopLoss(current, sl("pkm-d-sl2", "63500"))));
      see("stops after the move", this::stops);
      Instant beforeExit = gw.serverTime().minusSeconds(1);
      venue.setMark("63400"); // through the stop: the venue triggers it
      see("positions after the trigger", this::positions);
      see("stops after the trigger", this::stops);
      see("exit", () -> gw.exitSince(BTC, PositionSide.LONG, beforeExit).map(Script::exit));
      see("entry id reused, same order", () -> order(gw.placeMarketOrder(buy(entry, "0.010"))));
      see("entry id reused, other order", () -> order(gw.placeMarketOrder(buy(entry, "0.020"))));
      see("positions after the reuse", this::positions);
      see("cancel of the filled entry", () -> order(gw.cancelOrder(BTC, entry)));
      see("cancel of the gone stop", () -> cancelStop("pks-d-sl1"));
      see("cancel of the moved stop's id", () -> cancelStop("pkm-d-sl2"));
      ClientOrderId second = ClientOrderId.of("pks-d-entry2");
      see("second entry", () -> order(gw.placeMarketOrder(buy(second, "0.010"))));
      see("retired stop id", () -> stop(gw.placeStopLoss(sl("pks-d-sl1", "63000"))));
      see("fresh stop", () -> stop(gw.placeStopLoss(sl("pks-d-sl3", "63000"))));
      venue.closeByHand();
      see("positions after a close by hand", this::positions);
      see("stops after a close by hand", this::stops);
      ClientOrderId doubted = ClientOrderId.of("pks-d-entry3");
      venue.nextOrderAmbiguous();
      see("ambiguous entry", () -> order(gw.placeMarketOrder(buy(doubted, "0.010"))));
      see("the same entry resent", () -> order(gw.placeMarketOrder(buy(doubted, "0.010"))));
      see("query in doubt", () -> gw.queryOrder(BTC, doubted).map(Script::order));
      venue.letAmbiguousOrderLand(doubted);
      see("query after landing", () -> gw.queryOrder(BTC, doubted).map(Script::order));
      see("positions after landing", this::positions);
      venue.closeByHand();
      short_();
      return seen;
    }

    /** The same on a short: its stop above the mark, trailed down, triggered by a rise. */
    private void short_() {
      ClientOrderId entry = ClientOrderId.of("pks-d-short1");
      see("short entry", () -> order(gw.placeMarketOrder(sell(entry, "0.020"))));
      see("positions of the short", this::positions);
      see("long stop on a short", () -> stop(gw.placeStopLoss(sl("pks-d-sl4", "63000"))));
      StopLossRequest first = slShort("pks-d-sl5", "64500");
      venue.nextStopAmbiguous();
      see("ambiguous short stop", () -> stop(gw.placeStopLoss(first)));
      // While in doubt the two may differ and both keep the port's promise: the fake lists the
      // stop at once (its effect came before the lost answer), the gateway says unknown until the
      // venue lists it. What they show once it is there is compared.
      venue.letAmbiguousStopLand(BTC);
      see("stops once it landed", this::stops);
      see("the same short stop again", () -> stop(gw.placeStopLoss(first)));
      StopOrder current = gw.openStopLosses(BTC).get(0);
      see(
          "short trailing move",
          () -> stop(gw.moveStopLoss(current, slShort("pkm-d-sl6", "64000"))));
      see("stops of the short", this::stops);
      Instant beforeExit = gw.serverTime().minusSeconds(1);
      venue.setMark("64100");
      see("positions after the short's stop", this::positions);
      see("stops after the short's stop", this::stops);
      see("short exit", () -> gw.exitSince(BTC, PositionSide.SHORT, beforeExit).map(Script::exit));
    }

    private void see(String step, Supplier<Object> call) {
      String outcome;
      try {
        outcome = String.valueOf(call.get());
      } catch (PortException e) {
        outcome = "throws " + e.getClass().getSimpleName();
      }
      seen.add(step + " -> " + outcome);
    }

    private Object cancelStop(String id) {
      gw.cancelStopLoss(BTC, ClientOrderId.of(id));
      return "done";
    }

    private Object positions() {
      return gw.positions().positions().stream()
          .filter(p -> p.signedSize().signum() != 0)
          .map(Script::position)
          .collect(Collectors.joining(", ", "[", "]"));
    }

    private Object stops() {
      List<StopOrder> stops = gw.openStopLosses(BTC);
      return stops.size()
          + " "
          + stops.stream().map(Script::stop).collect(Collectors.joining(", ", "[", "]"));
    }

    private static MarketOrderRequest buy(ClientOrderId id, String qty) {
      return new MarketOrderRequest(BTC, Side.BUY, new BigDecimal(qty), id, false);
    }

    private static MarketOrderRequest sell(ClientOrderId id, String qty) {
      return new MarketOrderRequest(BTC, Side.SELL, new BigDecimal(qty), id, false);
    }

    private static StopLossRequest slShort(String id, String trigger) {
      return new StopLossRequest(
          BTC, PositionSide.SHORT, new BigDecimal(trigger), ClientOrderId.of(id));
    }

    private static StopLossRequest sl(String id, String trigger) {
      return new StopLossRequest(
          BTC, PositionSide.LONG, new BigDecimal(trigger), ClientOrderId.of(id));
    }

    private static String rules(InstrumentRules r) {
      return "tick "
          + num(r.tickSize())
          + " step "
          + num(r.stepSize())
          + " min "
          + num(r.minQuantity())
          + " max "
          + num(r.maxQuantity())
          + " minNotional "
          + num(r.minNotional());
    }

    private static String order(OrderReport o) {
      return o.clientOrderId()
          + " "
          + o.side()
          + " "
          + o.status()
          + " qty "
          + num(o.quantity())
          + " filled "
          + num(o.filledQuantity())
          + " at "
          + num(o.averagePrice())
          + (o.reduceOnly() ? " reduce-only" : "");
    }

    private static String stop(StopOrder s) {
      return s.clientId()
          + " "
          + s.positionSide()
          + " "
          + s.status()
          + " at "
          + num(s.triggerPrice());
    }

    private static String position(ExchangePosition p) {
      return p.symbol()
          + " "
          + num(p.signedSize())
          + " entry "
          + num(p.entryPrice())
          + " mark "
          + num(p.markPrice());
    }

    private static String exit(PositionExit e) {
      return e.side()
          + " "
          + num(e.quantity())
          + " at "
          + num(e.averagePrice())
          + " pnl "
          + num(e.realizedPnl())
          + " by "
          + e.closingClientId().map(ClientOrderId::value).orElse("-");
    }

    static String num(BigDecimal value) {
      return value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString();
    }
  }

  /** The real gateway over loopback against the Bybit emulator. */
  static final class EmulatedVenue implements Venue {
    private final BybitEmulator emulator = BybitEmulator.start();
    // Doubt bounds generous enough that a loaded machine never proves the late order absent.
    private final BybitAdapter adapter =
        BybitAdapter.create(
            emulator.configBuilder().doubt(50, Duration.ofSeconds(60)).build(),
            emulator.credentials());

    @Override
    public ExchangeGateway gateway() {
      return adapter.gateway();
    }

    @Override
    public void setMark(String price) {
      emulator.setMarkPrice(BTC, new BigDecimal(price));
    }

    @Override
    public void closeByHand() {
      emulator.closeByHand(BTC);
    }

    @Override
    public void nextOrderAmbiguous() {
      // It lands when the scenario lets it (landLateWrites), never on a timer racing the steps.
      emulator.faults().ambiguousNextWrite(Duration.ofMinutes(5));
    }

    @Override
    public void letAmbiguousOrderLand(ClientOrderId id) {
      emulator.landLateWrites();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline) {
        try {
          Optional<OrderReport> found = adapter.gateway().queryOrder(BTC, id);
          if (found.isPresent()) {
            return;
          }
        } catch (OutcomeUnknownException stillInDoubt) {
          // expected until the late order lands
        }
        sleep();
      }
      throw new AssertionError("the ambiguous order " + id + " never landed on the emulator");
    }

    @Override
    public void nextStopAmbiguous() {
      emulator.faults().ambiguousNextWrite(Duration.ofMinutes(5));
    }

    @Override
    public void letAmbiguousStopLand(Symbol symbol) {
      emulator.landLateWrites();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline) {
        try {
          if (!adapter.gateway().openStopLosses(symbol).isEmpty()) {
            return;
          }
        } catch (OutcomeUnknownException stillInDoubt) {
          // expected until the late stop lands
        }
        sleep();
      }
      throw new AssertionError("the ambiguous stop never landed on the emulator");
    }

    private static void sleep() {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }

    @Override
    public void close() {
      adapter.close();
      emulator.close();
    }
  }

  /** The fake in its Bybit flavour, listing BTCUSDT with the emulator's rules. */
  static final class FakeVenue implements Venue {
    private static final Duration LANDS_AFTER = Duration.ofSeconds(1);
    private final ManualClock clock = ManualClock.atDefaultStart();
    private final FakeExchange exchange =
        new FakeExchange(Exchange.BYBIT, clock)
            .flavour(FakeExchange.Flavour.BYBIT)
            .addInstrument(
                new InstrumentRules(
                    BTC,
                    new BigDecimal("0.10"),
                    new BigDecimal("0.001"),
                    new BigDecimal("0.001"),
                    new BigDecimal("500"),
                    new BigDecimal("5")));

    @Override
    public ExchangeGateway gateway() {
      return exchange;
    }

    @Override
    public void setMark(String price) {
      exchange.setMarkPrice(BTC, new BigDecimal(price));
    }

    @Override
    public void closeByHand() {
      exchange.closeExternally(BTC);
    }

    @Override
    public void nextOrderAmbiguous() {
      exchange.nextOrderLandsAfter(LANDS_AFTER);
    }

    @Override
    public void letAmbiguousOrderLand(ClientOrderId id) {
      clock.advance(LANDS_AFTER);
    }

    @Override
    public void nextStopAmbiguous() {
      exchange
          .faults()
          .failNext(
              FakeExchange.Op.PLACE_STOP,
              new OutcomeUnknownException("the answer was lost"),
              FaultKnobs.When.AFTER_EFFECT);
    }

    @Override
    public void letAmbiguousStopLand(Symbol symbol) {
      // Its effect came before the lost answer: it is listed already.
    }

    @Override
    public void close() {
      exchange.close();
    }
  }
}
