package io.positionkeeper.domain.sim;

import io.positionkeeper.domain.open.OpenIntent;
import io.positionkeeper.domain.position.PositionKey;
import io.positionkeeper.domain.trailing.TrailingParams;
import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.RateLimitedException;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.fake.FaultKnobs;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.SizeUnit;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.StopStatus;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * One history: a seed chooses every action, its time and its target; after every step the
 * invariants are checked against the venue. The same seed and step count give the same history.
 */
final class Simulation {
  /** What one step does. */
  enum Action {
    ADVANCE,
    MARK_WALK,
    MARK_GAP,
    OPEN,
    CLOSE,
    CLOSE_BY_HAND,
    CANCEL_STOP_BY_HAND,
    PORT_FAULT,
    DISCONNECT,
    RESTART,
    RECONCILE
  }

  private static final int[] WEIGHTS = {40, 22, 3, 8, 2, 1, 1, 5, 1, 1, 2};

  private final long seed;
  private final Random random;
  private final SimWorld world = new SimWorld();
  private final Invariants invariants = new Invariants();
  private final List<String> history = new ArrayList<>();
  private Instant quietSince;
  private int reconnectAt = -1;

  Simulation(long seed) {
    this.seed = seed;
    this.random = new Random(seed);
    this.quietSince = world.clock.now();
  }

  /** Runs up to {@code steps} steps; the first violation ends the history. */
  Optional<Violation> run(int steps) {
    for (int step = 0; step < steps; step++) {
      Optional<Violation> v = step(step);
      if (v.isEmpty()) {
        v = invariants.check(world, seed, step, quietSince);
      }
      if (v.isPresent()) {
        return v;
      }
    }
    return Optional.empty();
  }

  /** The actions of the history so far, one line each, for the failure message. */
  List<String> history() {
    return List.copyOf(history);
  }

  void debug() {
    System.out.println("DBG book " + world.keeper.book().all());
    System.out.println("DBG rows " + world.store.loadOpen());
    System.out.println("DBG stops " + world.exchange.allStops());
    System.out.println("DBG conn " + world.exchange.connectionState());
    System.out.println("DBG reconcile " + world.keeper.reconcile());
  }

  int restarts() {
    return world.restarts;
  }

  private Optional<Violation> step(int step) {
    if (step == reconnectAt) {
      world.exchange.reconnect();
      reconnectAt = -1;
      history.add(step + " reconnect");
    }
    Action action = pick();
    try {
      apply(action, step);
    } catch (RuntimeException e) {
      return Optional.of(
          new Violation(Violation.Kind.ESCAPED_EXCEPTION, seed, step, action + " threw " + e));
    }
    if (action != Action.ADVANCE && action != Action.MARK_WALK || reconnectAt >= 0) {
      quietSince = world.clock.now();
    }
    return Optional.empty();
  }

  private Action pick() {
    int total = 0;
    for (int w : WEIGHTS) {
      total += w;
    }
    int r = random.nextInt(total);
    for (Action a : Action.values()) {
      r -= WEIGHTS[a.ordinal()];
      if (r < 0) {
        return a;
      }
    }
    throw new IllegalStateException("weights do not cover " + r);
  }

  private void apply(Action action, int step) {
    Symbol symbol = SimWorld.SYMBOLS.get(random.nextInt(SimWorld.SYMBOLS.size()));
    switch (action) {
      case ADVANCE -> {
        Duration d = Duration.ofMillis(200 + random.nextInt(10_000));
        world.clock.advance(d);
        note(step, "advance " + d);
      }
      case MARK_WALK -> moveMark(step, symbol, 0.004);
      case MARK_GAP -> moveMark(step, symbol, 0.05);
      case OPEN -> open(step, symbol);
      case CLOSE -> {
        var outcome = world.keeper.close(new PositionKey(Exchange.BINANCE, symbol));
        note(step, "close " + symbol + " -> " + outcome);
      }
      case CLOSE_BY_HAND -> {
        world.exchange.closeExternally(symbol);
        note(step, "close by hand " + symbol);
      }
      case CANCEL_STOP_BY_HAND -> cancelStopByHand(step, symbol);
      case PORT_FAULT -> portFault(step);
      case DISCONNECT -> {
        if (reconnectAt < 0) {
          world.exchange.disconnect("simulated drop");
          reconnectAt = step + 1 + random.nextInt(30);
          note(step, "disconnect until step " + reconnectAt);
        }
      }
      case RESTART -> {
        note(step, "restart");
        world.restart();
      }
      case RECONCILE -> {
        note(step, "reconcile");
        world.keeper.reconcile();
      }
    }
  }

  private void moveMark(int step, Symbol symbol, double scale) {
    BigDecimal mark = world.exchange.markPrice(symbol).price();
    double factor = 1 + (random.nextDouble() * 2 - 1) * scale;
    BigDecimal tick = world.exchange.instrument(symbol).tickSize();
    BigDecimal next =
        mark.multiply(BigDecimal.valueOf(factor), MathContext.DECIMAL64)
            .divide(tick, 0, java.math.RoundingMode.HALF_UP)
            .multiply(tick);
    if (next.signum() > 0) {
      world.exchange.setMarkPrice(symbol, next);
      note(step, "mark " + symbol + " " + next);
    }
  }

  private void open(int step, Symbol symbol) {
    PositionSide side = random.nextBoolean() ? PositionSide.LONG : PositionSide.SHORT;
    // A small pool of intent ids per symbol and side, so intents are retried.
    String intentId = symbol.value() + "-" + side + "-" + random.nextInt(step / 20 + 2);
    String quote =
        symbol.equals(SimWorld.SYMBOLS.get(0))
            ? "" + (130 + random.nextInt(200))
            : "" + (6 + random.nextInt(20));
    OpenIntent intent =
        new OpenIntent(
            Exchange.BINANCE,
            symbol,
            side,
            new BigDecimal(quote),
            SizeUnit.QUOTE,
            new BigDecimal("2"),
            new TrailingParams(new BigDecimal("1.5"), new BigDecimal("0.5")),
            Optional.of("signal-" + intentId),
            intentId);
    var result = world.keeper.open(intent);
    note(step, "open " + intentId + " " + quote + " -> " + result);
  }

  private void cancelStopByHand(int step, Symbol symbol) {
    List<StopOrder> working =
        world.exchange.allStops().stream()
            .filter(s -> s.symbol().equals(symbol) && s.status() == StopStatus.WORKING)
            .toList();
    if (!working.isEmpty()) {
      StopOrder stop = working.get(random.nextInt(working.size()));
      world.exchange.cancelStopExternally(stop.clientId());
      note(step, "cancel stop by hand " + stop.clientId().value());
    }
  }

  private void portFault(int step) {
    FakeExchange.Op[] ops = {
      FakeExchange.Op.PLACE_ORDER,
      FakeExchange.Op.QUERY_ORDER,
      FakeExchange.Op.PLACE_STOP,
      FakeExchange.Op.MOVE_STOP,
      FakeExchange.Op.CANCEL_STOP,
      FakeExchange.Op.OPEN_STOPS,
      FakeExchange.Op.POSITIONS,
      FakeExchange.Op.EXIT_SINCE
    };
    FakeExchange.Op op = ops[random.nextInt(ops.length)];
    PortException e =
        switch (random.nextInt(3)) {
          case 0 -> new RetryableException("simulated 503 on " + op);
          case 1 -> new RateLimitedException("simulated 429 on " + op, Duration.ofSeconds(1));
          default -> new OutcomeUnknownException("simulated timeout on " + op);
        };
    FaultKnobs.When when =
        e instanceof OutcomeUnknownException && random.nextBoolean()
            ? FaultKnobs.When.AFTER_EFFECT
            : FaultKnobs.When.BEFORE_EFFECT;
    world.exchange.faults().failNext(op, e, when);
    note(step, "fault next " + op + " " + when + " " + e.getMessage());
  }

  private void note(int step, String line) {
    history.add(step + " " + line);
  }
}
