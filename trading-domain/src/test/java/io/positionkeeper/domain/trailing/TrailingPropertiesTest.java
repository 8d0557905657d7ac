package io.positionkeeper.domain.trailing;

import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.TrailingStatus;
import io.positionkeeper.ports.model.TrailingStopState;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Over random price paths and random time between ticks, checked against a reference model of
 * Binance's rule written independently here: the stop never loosens, the position is closed no
 * later than the rule triggers (by the venue's stop, or at market when a held-back move left the
 * venue's stop looser) and never before the price reaches a stop level, moves never come faster
 * than the rate limit, and activation never happens before the activation price.
 */
class TrailingPropertiesTest {

  record Tick(int basisPoints, long afterMillis) {}

  record Path(PositionSide side, int activationTenths, int callbackTenths, List<Tick> ticks) {}

  @Provide
  Arbitrary<Path> paths() {
    Arbitrary<Tick> tick =
        Combinators.combine(
                Arbitraries.integers().between(-60, 60), Arbitraries.longs().between(0, 3000))
            .as(Tick::new);
    return Combinators.combine(
            Arbitraries.of(PositionSide.class),
            Arbitraries.integers().between(0, 30),
            Arbitraries.integers().between(1, 50),
            tick.list().ofMinSize(1).ofMaxSize(150))
        .as(Path::new);
  }

  /** Binance's rule, from its text: the first tick at which it triggers, or -1. */
  private static int referenceTrigger(
      PositionSide side,
      BigDecimal entry,
      BigDecimal activation,
      BigDecimal cb,
      List<BigDecimal> prices) {
    BigDecimal best = entry;
    boolean activated = false;
    BigDecimal f = cb.movePointLeft(2);
    for (int i = 0; i < prices.size(); i++) {
      BigDecimal p = prices.get(i);
      if (side == PositionSide.LONG) {
        best = best.max(p);
        activated |= best.compareTo(activation) >= 0;
        if (activated && p.compareTo(best.multiply(BigDecimal.ONE.subtract(f))) <= 0) {
          return i;
        }
      } else {
        best = best.min(p);
        activated |= best.compareTo(activation) <= 0;
        if (activated && p.compareTo(best.multiply(BigDecimal.ONE.add(f))) >= 0) {
          return i;
        }
      }
    }
    return -1;
  }

  /**
   * The first tick at which the price reaches the initial stop, or (once activated) the rule's
   * level rounded to the 0.01 tick toward the market, as a venue stop at that level would fire: no
   * close can come earlier.
   */
  private static int referenceTouch(
      PositionSide side,
      BigDecimal entry,
      BigDecimal activation,
      BigDecimal cb,
      BigDecimal initialStop,
      List<BigDecimal> prices) {
    BigDecimal best = entry;
    boolean activated = false;
    BigDecimal f = cb.movePointLeft(2);
    for (int i = 0; i < prices.size(); i++) {
      BigDecimal p = prices.get(i);
      if (side == PositionSide.LONG) {
        best = best.max(p);
        activated |= best.compareTo(activation) >= 0;
        BigDecimal level =
            best.multiply(BigDecimal.ONE.subtract(f)).setScale(2, RoundingMode.CEILING);
        if (p.compareTo(initialStop) <= 0 || (activated && p.compareTo(level) <= 0)) {
          return i;
        }
      } else {
        best = best.min(p);
        activated |= best.compareTo(activation) <= 0;
        BigDecimal level = best.multiply(BigDecimal.ONE.add(f)).setScale(2, RoundingMode.FLOOR);
        if (p.compareTo(initialStop) >= 0 || (activated && p.compareTo(level) >= 0)) {
          return i;
        }
      }
    }
    return -1;
  }

  @Property(tries = 300)
  void theTrailingStopFollowsBinancesRule_neverLoosens_andRespectsTheRateLimit(
      @ForAll("paths") Path path) {
    BigDecimal activationPct = BigDecimal.valueOf(path.activationTenths(), 1);
    BigDecimal callbackPct =
        BigDecimal.valueOf(path.callbackTenths(), 1).max(new BigDecimal("0.1"));
    TrailingPolicy policy =
        new TrailingPolicy(
            new BigDecimal("0.05"),
            Duration.ofSeconds(2),
            Duration.ofSeconds(30),
            new BigDecimal("0.5"),
            new TrailingParams(activationPct, callbackPct));
    var f =
        new TrailingFixture(
            path.side(), "100", activationPct.toPlainString(), callbackPct.toPlainString(), policy);
    BigDecimal activation = f.state().activationPrice();

    BigDecimal price = new BigDecimal("100");
    List<BigDecimal> prices = new ArrayList<>();
    List<BigDecimal> stops = new ArrayList<>();
    List<Instant> moves = new ArrayList<>();
    int triggeredAt = -1;
    int activatedAt = -1;
    for (int i = 0; i < path.ticks().size(); i++) {
      Tick t = path.ticks().get(i);
      price =
          price
              .multiply(BigDecimal.ONE.add(BigDecimal.valueOf(t.basisPoints(), 4)))
              .setScale(2, RoundingMode.HALF_UP);
      prices.add(price);
      f.tick(price.toPlainString(), t.afterMillis());
      TrailingStopState s = f.state();
      s.currentStop().ifPresent(stops::add);
      s.lastMovedAt()
          .filter(m -> moves.isEmpty() || !moves.get(moves.size() - 1).equals(m))
          .ifPresent(moves::add);
      if (activatedAt < 0 && s.status() != TrailingStatus.INACTIVE) {
        activatedAt = i;
      }
      if (triggeredAt < 0 && f.exchange.positionSize(TrailingFixture.SYM).signum() == 0) {
        triggeredAt = i;
      }
    }

    int ruleTriggers =
        referenceTrigger(path.side(), new BigDecimal("100"), activation, callbackPct, prices);
    BigDecimal initialStop =
        path.side() == PositionSide.LONG ? new BigDecimal("90.00") : new BigDecimal("110.00");
    int firstTouch =
        referenceTouch(
            path.side(), new BigDecimal("100"), activation, callbackPct, initialStop, prices);
    if (ruleTriggers >= 0) {
      assertThat(triggeredAt).as("closed by the tick the rule triggers").isBetween(0, ruleTriggers);
    }
    if (triggeredAt >= 0) {
      assertThat(triggeredAt)
          .as("never closed before a stop level is reached")
          .isGreaterThanOrEqualTo(firstTouch);
      assertThat(firstTouch).isGreaterThanOrEqualTo(0);
    }
    for (int i = 1; i < stops.size(); i++) {
      assertThat(TrailingRule.improvement(path.side(), stops.get(i), stops.get(i - 1)))
          .as("stop %d never loosens", i)
          .isGreaterThanOrEqualTo(BigDecimal.ZERO);
    }
    for (int i = 1; i < moves.size(); i++) {
      assertThat(Duration.between(moves.get(i - 1), moves.get(i)))
          .isGreaterThanOrEqualTo(policy.minMoveInterval());
    }
    if (activatedAt >= 0) {
      BigDecimal bestSoFar = new BigDecimal("100");
      for (int i = 0; i <= activatedAt; i++) {
        bestSoFar =
            path.side() == PositionSide.LONG
                ? bestSoFar.max(prices.get(i))
                : bestSoFar.min(prices.get(i));
      }
      assertThat(TrailingRule.reachedActivation(path.side(), bestSoFar, activation)).isTrue();
      if (activatedAt > 0) {
        BigDecimal before = new BigDecimal("100");
        for (int i = 0; i < activatedAt; i++) {
          before =
              path.side() == PositionSide.LONG
                  ? before.max(prices.get(i))
                  : before.min(prices.get(i));
        }
        assertThat(TrailingRule.reachedActivation(path.side(), before, activation)).isFalse();
      }
    }
  }
}
