package io.positionkeeper.domain.sim;

import io.positionkeeper.domain.keeper.Safeguards;
import io.positionkeeper.domain.open.OpenIntent;
import io.positionkeeper.domain.position.PositionKey;
import io.positionkeeper.domain.sim.SimConfig.FaultClass;
import io.positionkeeper.domain.trailing.TrailingParams;
import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.PersistenceException;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.RateLimitedException;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.fake.FaultKnobs;
import io.positionkeeper.ports.fake.InMemoryPositionStore;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.SizeUnit;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.StreamEvent;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * One history: a seed chooses every action, its time and its target; after every step the
 * invariants are checked against the venue. The same config gives the same history, event for
 * event: one thread, one seeded random source, a manual clock, and the keeper's work run inline.
 */
final class Simulation {
  /** What one step does, how often, and which fault class it belongs to (none: always on). */
  enum Action {
    ADVANCE(40, null),
    QUIET(1, null),
    MARK_WALK(22, null),
    MARK_GAP(3, null),
    OPEN(8, null),
    CLOSE(2, null),
    RECONCILE(2, null),
    CLOSE_BY_HAND(1, FaultClass.MANUAL),
    CANCEL_STOP_BY_HAND(1, FaultClass.MANUAL),
    PORT_FAULT(5, FaultClass.PORT),
    LATE_ORDER(1, FaultClass.LATE_ORDER),
    STORE_FAULT(2, FaultClass.STORE),
    DISCONNECT(1, FaultClass.STREAM),
    STREAM_FAULT(2, FaultClass.STREAM),
    RESTART(1, FaultClass.RESTART);

    final int weight;
    final FaultClass fault;

    Action(int weight, FaultClass fault) {
      this.weight = weight;
      this.fault = fault;
    }
  }

  private static final FakeExchange.Op[] VENUE_OPS = {
    FakeExchange.Op.PLACE_ORDER,
    FakeExchange.Op.QUERY_ORDER,
    FakeExchange.Op.PLACE_STOP,
    FakeExchange.Op.MOVE_STOP,
    FakeExchange.Op.CANCEL_STOP,
    FakeExchange.Op.OPEN_STOPS,
    FakeExchange.Op.POSITIONS,
    FakeExchange.Op.EXIT_SINCE
  };

  private static final InMemoryPositionStore.Op[] STORE_OPS = {
    InMemoryPositionStore.Op.INSERT,
    InMemoryPositionStore.Op.FIND_BY_ENTRY_ORDER,
    InMemoryPositionStore.Op.LOAD_OPEN,
    InMemoryPositionStore.Op.UPDATE_POSITION,
    InMemoryPositionStore.Op.RECORD_STOP,
    InMemoryPositionStore.Op.MARK_CLOSING,
    InMemoryPositionStore.Op.CLOSE
  };

  /**
   * Per mille of steps that start an outage of the venue's order endpoint (OUTAGE) and that plan an
   * exception outside the ports' taxonomy for the next call of one operation (UNEXPECTED).
   */
  static final int OUTAGE_PER_MILLE = 5;

  static final int UNEXPECTED_PER_MILLE = 10;

  /** One opening in this many has a reconciliation scheduled to fall inside it (INTERLEAVE). */
  static final int INTERLEAVE_ONE_IN = 4;

  private final SimConfig config;
  private final Random random;
  // The fault classes added in session 6 (INTERLEAVE, OUTAGE, UNEXPECTED) draw from a random
  // source of their own, a fixed number of draws per step and per opening whether they are on or
  // not: with them off, a seed's history is the one it was before they existed, event for event,
  // and switching one off while shrinking leaves the others' choices where they were.
  private final Random extra;
  private int outageEndsAt = -1;
  private final SimWorld world;
  private final Invariants invariants;
  private final List<Action> actions = new ArrayList<>();
  private final int totalWeight;
  private final History history = new History();
  private int reconnectAt = -1;
  private int releaseAt = -1;
  private int undelayAt = -1;

  Simulation(SimConfig config) {
    this(config, Set.of());
  }

  /** A history whose keeper has the defects {@code teeth} put back (SimulatorTeethTest). */
  Simulation(SimConfig config, Set<TeethGateway.Switch> teeth) {
    this(config, teeth, Safeguards.standard());
  }

  /** A history whose keeper is built with an old safety rule put back (SimulatorTeethTest). */
  Simulation(SimConfig config, Set<TeethGateway.Switch> teeth, Safeguards safeguards) {
    this.config = config;
    this.random = new Random(config.seed());
    this.extra = new Random(config.seed() * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L);
    this.world = new SimWorld(config.flavour(), teeth, safeguards);
    this.invariants = new Invariants(world);
    int total = 0;
    for (Action a : Action.values()) {
      if (a.fault == null || config.enabled(a.fault)) {
        actions.add(a);
        total += a.weight;
      }
    }
    this.totalWeight = total;
  }

  /** Runs the config's steps; the first violation ends the history. */
  Optional<Violation> run() {
    for (int step = 0; step < config.steps(); step++) {
      Optional<Violation> v = step(step);
      if (v.isEmpty()) {
        v = invariants.check(step);
      }
      if (v.isPresent()) {
        return v;
      }
    }
    return Optional.empty();
  }

  /** What happened, one line per action. */
  History history() {
    return history;
  }

  int restarts() {
    return world.restarts;
  }

  private Optional<Violation> step(int step) {
    timedEnds(step);
    boolean faulted = extraFaults(step);
    Action action = pick();
    List<BigDecimal> venueBefore = venueState();
    try {
      apply(action, step);
    } catch (UnexpectedFaults.SimulatedBug e) {
      // A command of the bot's (close, reconcile) may hand a driver's bug back to its caller, who
      // sees the failure: nothing is swallowed. An opening must answer (its rollback runs), and
      // nothing else the simulator does calls the keeper directly.
      if (action != Action.CLOSE && action != Action.RECONCILE) {
        return Optional.of(
            new Violation(Violation.Kind.ESCAPED_EXCEPTION, step, action + " threw " + e));
      }
      history.add(step, "  -> threw " + e.getMessage());
      faulted = true;
    } catch (RuntimeException e) {
      return Optional.of(
          new Violation(Violation.Kind.ESCAPED_EXCEPTION, step, action + " threw " + e));
    }
    if (faulted) {
      invariants.notQuiet();
    }
    // A calm step can still change a venue position (a mark that fires a stop, a late order
    // landing): the keeper then has its own retries to catch up (a close the store refused is
    // written a second later), so the quiet period starts again.
    boolean calm =
        (action == Action.ADVANCE || action == Action.QUIET || action == Action.MARK_WALK)
            && venueState().equals(venueBefore);
    if (!calm || reconnectAt >= 0 || releaseAt >= 0 || undelayAt >= 0) {
      invariants.notQuiet();
    }
    return Optional.empty();
  }

  /**
   * The venue's position size on every symbol, to tell a step that changed a position. A stop the
   * keeper moved in a calm step does not count: I3 then checks the row's stop at once, which is
   * what catches a move never settled (SimulatorTeethTest).
   */
  private List<BigDecimal> venueState() {
    return SimWorld.SYMBOLS.stream().map(world.exchange::positionSize).toList();
  }

  /**
   * OUTAGE and UNEXPECTED, drawn from {@link #extra}: an outage of the venue's order endpoint
   * (every market order refused with a 503 and without effect, from the market order after next
   * until a step 1-20 steps on), or an exception outside the ports' taxonomy planned for the next
   * call of one venue or store operation, before or after its effect. Whether something began or
   * ended.
   *
   * <p>Sources: Binance serves market orders ({@code /fapi/v1/order}) and conditional orders (the
   * Algo Service, {@code /fapi/v1/algoOrder}) from separate services since 2025-12-09, so one can
   * refuse while the other answers (inferred from the migration notice); Bybit answers 10016
   * "Server error / restarting" per request (its stop is set on the position, another endpoint). An
   * unexpected exception is what a driver or parser bug throws; after the effect it is a bug
   * reading an answer, the order or the row being there all the same.
   */
  private boolean extraFaults(int step) {
    int roll = extra.nextInt(1_000);
    int pick = extra.nextInt(1 << 16);
    int length = 1 + extra.nextInt(20);
    FaultKnobs.When when =
        extra.nextBoolean() ? FaultKnobs.When.AFTER_EFFECT : FaultKnobs.When.BEFORE_EFFECT;
    boolean changed = false;
    if (step == outageEndsAt) {
      outageEndsAt = -1;
      history.add(step, "order endpoint back");
      world.exchange.faults().endFailAfter(FakeExchange.Op.PLACE_ORDER);
      changed = true;
    }
    if (roll < OUTAGE_PER_MILLE) {
      if (config.enabled(FaultClass.OUTAGE) && outageEndsAt < 0) {
        outageEndsAt = step + length;
        history.add(
            step, "order endpoint down after the next market order, until step " + outageEndsAt);
        world
            .exchange
            .faults()
            .failAfter(
                FakeExchange.Op.PLACE_ORDER,
                1,
                new RetryableException("simulated outage: order endpoint 503"));
        changed = true;
      }
    } else if (roll < OUTAGE_PER_MILLE + UNEXPECTED_PER_MILLE) {
      if (config.enabled(FaultClass.UNEXPECTED)) {
        if (pick % 2 == 0) {
          FakeExchange.Op op = VENUE_OPS[(pick / 2) % VENUE_OPS.length];
          history.add(step, "next " + op + " throws a bug " + when);
          world.unexpected.armVenue(op, when);
        } else {
          InMemoryPositionStore.Op op = STORE_OPS[(pick / 2) % STORE_OPS.length];
          history.add(step, "next store " + op + " throws a bug " + when);
          world.unexpected.armStore(op, when);
        }
        changed = true;
      }
    }
    return changed;
  }

  /** Stream faults end at the step chosen when they began. */
  private void timedEnds(int step) {
    if (step == reconnectAt) {
      reconnectAt = -1;
      history.add(step, "reconnect");
      world.exchange.reconnect();
    }
    if (step == releaseAt) {
      releaseAt = -1;
      history.add(step, "release held stream events reversed");
      world.exchange.releaseHeldReversed();
      invariants.blind();
    }
    if (step == undelayAt) {
      undelayAt = -1;
      history.add(step, "stream delay off");
      world.exchange.delayStream(Duration.ZERO);
    }
  }

  private Action pick() {
    int r = random.nextInt(totalWeight);
    for (Action a : actions) {
      r -= a.weight;
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
        history.add(step, "advance " + d);
        world.clock.advance(d);
      }
      case QUIET -> {
        // Long enough for I3's quiet period: every periodic task runs many times meanwhile.
        Duration d = Duration.ofSeconds(240 + random.nextInt(60));
        history.add(step, "quiet for " + d);
        world.clock.advance(d);
      }
      case MARK_WALK -> moveMark(step, symbol, 0.004);
      case MARK_GAP -> moveMark(step, symbol, 0.05);
      case OPEN -> open(step, symbol);
      case CLOSE -> {
        history.add(step, "close " + symbol);
        var outcome = world.keeper.close(new PositionKey(config.exchange(), symbol));
        history.add(step, "  -> " + outcome);
      }
      case RECONCILE -> {
        history.add(step, "reconcile");
        world.keeper.reconcile();
      }
      case CLOSE_BY_HAND -> {
        history.add(step, "close by hand " + symbol);
        world.exchange.closeExternally(symbol);
      }
      case CANCEL_STOP_BY_HAND -> cancelStopByHand(step, symbol);
      case PORT_FAULT -> portFault(step);
      case LATE_ORDER -> {
        Duration d = Duration.ofMillis(500 + random.nextInt(4_000));
        history.add(step, "the next market order lands " + d + " after its answer is lost");
        world.exchange.nextOrderLandsAfter(d);
      }
      case STORE_FAULT -> storeFault(step);
      case DISCONNECT -> disconnect(step);
      case STREAM_FAULT -> streamFault(step);
      case RESTART -> {
        history.add(step, "restart");
        world.restart();
      }
    }
  }

  private void moveMark(int step, Symbol symbol, double scale) {
    BigDecimal mark = world.exchange.markPrice(symbol).price();
    double factor = 1 + (random.nextDouble() * 2 - 1) * scale;
    BigDecimal tick = world.exchange.instrument(symbol).tickSize();
    BigDecimal next =
        mark.multiply(BigDecimal.valueOf(factor), MathContext.DECIMAL64)
            .divide(tick, 0, RoundingMode.HALF_UP)
            .multiply(tick);
    if (next.signum() > 0) {
      history.add(step, "mark " + symbol + " " + next.toPlainString());
      world.exchange.setMarkPrice(symbol, next);
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
            config.exchange(),
            symbol,
            side,
            new BigDecimal(quote),
            SizeUnit.QUOTE,
            new BigDecimal("2"),
            new TrailingParams(new BigDecimal("1.5"), new BigDecimal("0.5")),
            Optional.of("signal-" + intentId),
            intentId);
    // INTERLEAVE: a reconciliation the clock runs while this opening waits (its stop's backoff, a
    // query of its entry), as the periodic one would on the keeper's timer thread.
    boolean interleave = extra.nextInt(INTERLEAVE_ONE_IN) == 0;
    Duration into = Duration.ofMillis(1 + extra.nextInt(2_000));
    history.add(step, "open " + intentId + " " + quote);
    if (interleave && config.enabled(FaultClass.INTERLEAVE)) {
      history.add(step, "  a reconciliation " + into + " into it");
      world.clock.schedule(into, () -> interleavedReconcile(step));
    }
    var result = world.keeper.open(intent);
    history.add(step, "  -> " + result);
  }

  /** Runs as a timer would: what it throws is its own failure, never the opening's. */
  private void interleavedReconcile(int step) {
    history.add(step, "  interleaved reconciliation at " + world.clock.now());
    try {
      world.keeper.reconcile();
    } catch (RuntimeException e) {
      history.add(step, "  interleaved reconciliation threw " + e);
    }
  }

  private void cancelStopByHand(int step, Symbol symbol) {
    List<StopOrder> working = world.exchange.workingStops(symbol);
    if (!working.isEmpty()) {
      StopOrder stop = working.get(random.nextInt(working.size()));
      history.add(step, "cancel stop by hand " + stop.clientId().value());
      world.exchange.cancelStopExternally(stop.clientId());
      invariants.cancelledByHand(symbol);
    }
  }

  private PortException venueFault(String on) {
    return switch (random.nextInt(3)) {
      case 0 -> new RetryableException("simulated 503 on " + on);
      case 1 -> new RateLimitedException("simulated 429 on " + on, Duration.ofSeconds(1));
      default -> new OutcomeUnknownException("simulated timeout on " + on);
    };
  }

  private void portFault(int step) {
    FakeExchange.Op op = VENUE_OPS[random.nextInt(VENUE_OPS.length)];
    PortException e = venueFault(op.name());
    FaultKnobs.When when = when(e);
    history.add(step, "fault next " + op + " " + when + " " + e.getMessage());
    world.exchange.faults().failNext(op, e, when);
  }

  private void storeFault(int step) {
    InMemoryPositionStore.Op op = STORE_OPS[random.nextInt(STORE_OPS.length)];
    PortException e =
        random.nextBoolean()
            ? new PersistenceException("simulated store outage on " + op)
            : new OutcomeUnknownException("simulated commit outcome lost on " + op);
    FaultKnobs.When when = when(e);
    history.add(step, "store fault next " + op + " " + when + " " + e.getMessage());
    world.store.faults().failNext(op, e, when);
  }

  /** An unknown outcome strikes before or after the effect (a lost answer, a lost commit). */
  private FaultKnobs.When when(PortException e) {
    return e instanceof OutcomeUnknownException && random.nextBoolean()
        ? FaultKnobs.When.AFTER_EFFECT
        : FaultKnobs.When.BEFORE_EFFECT;
  }

  private void disconnect(int step) {
    if (reconnectAt < 0) {
      reconnectAt = step + 1 + random.nextInt(30);
      history.add(step, "disconnect until step " + reconnectAt);
      world.exchange.disconnect("simulated drop");
    }
  }

  private void streamFault(int step) {
    switch (random.nextInt(3)) {
      case 0 -> {
        Class<? extends StreamEvent> type =
            switch (random.nextInt(3)) {
              case 0 -> StreamEvent.StopChanged.class;
              case 1 -> StreamEvent.PositionChanged.class;
              default -> StreamEvent.OrderChanged.class;
            };
        history.add(step, "drop the next " + type.getSimpleName());
        world.exchange.dropNext(type, 1);
      }
      case 1 -> {
        if (releaseAt < 0) {
          releaseAt = step + 1 + random.nextInt(5);
          history.add(step, "hold stream events until step " + releaseAt + ", then reverse them");
          world.exchange.holdStream();
        }
      }
      default -> {
        if (undelayAt < 0) {
          Duration d = Duration.ofMillis(100 + random.nextInt(3_000));
          undelayAt = step + 1 + random.nextInt(10);
          history.add(step, "stream delayed " + d + " until step " + undelayAt);
          world.exchange.delayStream(d);
        }
      }
    }
  }
}
