package io.positionkeeper.domain.venue;

import static io.positionkeeper.domain.venue.Failures.describe;
import static io.positionkeeper.domain.venue.Failures.unexpected;

import io.positionkeeper.domain.audit.AuditEvent;
import io.positionkeeper.domain.audit.AuditTrail;
import io.positionkeeper.domain.audit.Subject;
import io.positionkeeper.domain.instrument.Price;
import io.positionkeeper.domain.retry.Backoff;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.RateLimitedException;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.StopWouldTriggerException;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.Symbol;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Places a position's stop-loss, retrying within a deadline; the opener, its rollback and
 * reconciliation all protect a position through it. Every attempt has a client id of its own. After
 * an ambiguous answer no further stop is placed until the venue's open stops show the earlier one
 * did not land, so a position never ends up with two.
 *
 * <p>The deadline bounds the time spent trying. While the venue's adapter still holds an earlier
 * ambiguous attempt in doubt (its listing answers "unknown": an order service can show a write
 * late, so the adapters prove absence only by several reads over some seconds) the placement can
 * neither place nor give up honestly, so that wait does not use up the deadline, up to {@code
 * settleAllowance} more. Otherwise one 5xx without effect would close the position at market before
 * the venue could say the stop is not there.
 */
public final class StopPlacement {
  private static final Logger log = LoggerFactory.getLogger(StopPlacement.class);
  private final AuditTrail audit;
  private final Clock clock;

  /**
   * How long past the deadline the placement may wait for the venue to settle ambiguous attempts:
   * room for one absence proof of the adapters' defaults (three reads over at least 10 s) on a
   * loaded machine, and the placement that follows it.
   */
  public static final Duration STANDARD_SETTLE_ALLOWANCE = Duration.ofSeconds(20);

  private final Duration deadline;
  private final Duration settleAllowance;
  private final Backoff backoff;

  public StopPlacement(AuditTrail audit, Clock clock, Duration deadline, Backoff backoff) {
    this(audit, clock, deadline, STANDARD_SETTLE_ALLOWANCE, backoff);
  }

  public StopPlacement(
      AuditTrail audit, Clock clock, Duration deadline, Duration settleAllowance, Backoff backoff) {
    this.audit = Objects.requireNonNull(audit, "audit");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.deadline = Objects.requireNonNull(deadline, "deadline");
    this.settleAllowance = Objects.requireNonNull(settleAllowance, "settleAllowance");
    if (settleAllowance.isNegative()) {
      throw new IllegalArgumentException("settleAllowance must be >= 0, was " + settleAllowance);
    }
    this.backoff = Objects.requireNonNull(backoff, "backoff");
  }

  /** How placing ended. */
  public sealed interface Outcome {
    record Placed(StopOrder stop, int attempts) implements Outcome {}

    record Failed(String reason, int attempts) implements Outcome {}

    /**
     * The venue refused the level because its mark is already at or beyond it: the position is past
     * that stop, and the same level fails again while the mark stays there.
     */
    record Crossed(String reason, int attempts) implements Outcome {}
  }

  /**
   * What one position's stop is: where, for which side, and where each attempt's client id comes
   * from (never one used before for this position).
   */
  public record Target(
      ExchangeGateway gateway,
      Symbol symbol,
      PositionSide side,
      Supplier<ClientOrderId> nextId,
      Subject subject) {
    public Target {
      Objects.requireNonNull(gateway, "gateway");
      Objects.requireNonNull(symbol, "symbol");
      Objects.requireNonNull(side, "side");
      Objects.requireNonNull(nextId, "nextId");
      Objects.requireNonNull(subject, "subject");
    }
  }

  public Outcome place(Target target, Price stopPrice) {
    Instant until = clock.now().plus(deadline);
    Instant latest = until.plus(settleAllowance);
    List<ClientOrderId> tried = new ArrayList<>();
    boolean ambiguous = false;
    // The venue owes the answer (an attempt just came back ambiguous, or the listing says it is
    // still in doubt): waiting for it may run past the deadline, up to the allowance.
    boolean owed = false;
    String last = "no attempt";
    int attempt = 0;
    for (int round = 1; ; round++) {
      Duration wait = backoff.delay(round);
      Landed landed = ambiguous ? findLanded(target, tried) : new Landed.None();
      owed = false;
      switch (landed) {
        case Landed.Found found -> {
          return new Outcome.Placed(found.stop(), attempt);
        }
        case Landed.CannotTell cannot ->
            last = "an earlier attempt may have landed; " + cannot.why();
        case Landed.Unsettled unsettled -> {
          last = "an earlier attempt may have landed; " + unsettled.why();
          until = min(latest, until.plus(wait));
          owed = true;
        }
        case Landed.None none -> {
          ambiguous = false;
          attempt++;
          ClientOrderId stopId = target.nextId().get();
          tried.add(stopId);
          try {
            return new Outcome.Placed(
                target
                    .gateway()
                    .placeStopLoss(
                        new StopLossRequest(
                            target.symbol(), target.side(), stopPrice.value(), stopId)),
                attempt);
          } catch (RejectedException e) {
            int n = attempt;
            audit.record(
                target.subject(),
                () -> new AuditEvent.StopPlacementFailed(target.subject(), n, describe(e), false));
            String refused = "refused: " + e.code() + " " + e.reason();
            return e instanceof StopWouldTriggerException
                ? new Outcome.Crossed(refused, attempt)
                : new Outcome.Failed(refused, attempt);
          } catch (RateLimitedException e) {
            last = describe(e);
            wait = e.retryAfter();
          } catch (OutcomeUnknownException e) {
            ambiguous = true;
            owed = true;
            last = describe(e);
          } catch (PortException e) {
            last = describe(e);
          } catch (RuntimeException e) {
            // Thrown outside the port's answers (a driver's bug building the request or reading
            // the answer): the stop may be working all the same, so the venue's open stops are
            // read before any other attempt, as after an ambiguous answer. The venue owes no
            // answer here, so the wait does not run past the deadline.
            log.error("placing stop {} of {} failed unexpectedly", stopId, target.symbol(), e);
            ambiguous = true;
            last = unexpected(e);
          }
          int n = attempt;
          String failure = last;
          boolean retry = goesOn(wait, until, latest, owed);
          audit.record(
              target.subject(),
              () -> new AuditEvent.StopPlacementFailed(target.subject(), n, failure, retry));
        }
      }
      if (!goesOn(wait, until, latest, owed)) {
        if (ambiguous && findLanded(target, tried) instanceof Landed.Found found) {
          return new Outcome.Placed(found.stop(), attempt);
        }
        return new Outcome.Failed("no stop-loss within " + deadline + ": " + last, attempt);
      }
      try {
        clock.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Outcome.Failed("interrupted while placing the stop-loss: " + last, attempt);
      }
    }
  }

  /** Whether there is time for one more round after {@code wait}. */
  private boolean goesOn(Duration wait, Instant until, Instant latest, boolean owed) {
    Instant next = clock.now().plus(wait);
    return !next.isAfter(until) || (owed && !next.isAfter(latest));
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  /** Whether one of our earlier, ambiguous stop attempts is working on the venue. */
  private sealed interface Landed {
    record Found(StopOrder stop) implements Landed {}

    record None() implements Landed {}

    /** The listing failed: time spent on it counts against the deadline. */
    record CannotTell(String why) implements Landed {}

    /** The venue's answer: an earlier attempt is still in doubt, ask again later. */
    record Unsettled(String why) implements Landed {}
  }

  private static Landed findLanded(Target target, List<ClientOrderId> tried) {
    try {
      return target.gateway().openStopLosses(target.symbol()).stream()
          .filter(s -> tried.contains(s.clientId()) && !s.status().isFinal())
          .findFirst()
          .<Landed>map(Landed.Found::new)
          .orElse(new Landed.None());
    } catch (OutcomeUnknownException e) {
      return new Landed.Unsettled("still in doubt: " + describe(e));
    } catch (PortException e) {
      return new Landed.CannotTell("listing open stops failed: " + describe(e));
    } catch (RuntimeException e) {
      log.error("listing the open stops of {} failed unexpectedly", target.symbol(), e);
      return new Landed.CannotTell("listing open stops failed: " + unexpected(e));
    }
  }
}
