package io.positionkeeper.domain.venue;

import io.positionkeeper.domain.retry.Backoff;
import io.positionkeeper.domain.retry.Retries;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.PersistenceException;
import io.positionkeeper.ports.RateLimitedException;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.OrderReport;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Places a market order and settles ambiguity: a call that had no effect is retried (same client
 * id, so never doubled); an ambiguous outcome is resolved by querying the order by its client id,
 * never by sending it again.
 */
public final class Orders {
  private Orders() {}

  /** How a placement ended. */
  public sealed interface Placement {
    /** The venue has the order. */
    record Placed(OrderReport report, boolean resolvedByQuery, int attempts) implements Placement {}

    /** The venue definitively does not have it: refused, or absent after an ambiguous answer. */
    record Refused(String code, String reason) implements Placement {}

    /** Nobody could tell before the deadline whether the venue has it. */
    record Unresolved(String reason) implements Placement {}
  }

  public static Placement place(
      ExchangeGateway gateway, MarketOrderRequest request, Clock clock, Duration deadline) {
    Instant until = clock.now().plus(deadline);
    Backoff backoff = Backoff.standard();
    String last = "no attempt";
    for (int attempt = 1; ; attempt++) {
      try {
        return new Placement.Placed(gateway.placeMarketOrder(request), false, attempt);
      } catch (RejectedException e) {
        return new Placement.Refused(e.code(), e.reason());
      } catch (RetryableException e) {
        last = "retryable: " + e.getMessage();
        if (!Retries.waitUntil(clock, until, backoff.delay(attempt))) {
          return new Placement.Refused("RETRIES_EXHAUSTED", last);
        }
      } catch (RateLimitedException e) {
        last = "rate limited: " + e.getMessage();
        if (!Retries.waitUntil(clock, until, e.retryAfter())) {
          return new Placement.Refused("RATE_LIMITED", last);
        }
      } catch (OutcomeUnknownException e) {
        return resolveByQuery(gateway, request, clock, until, "ambiguous: " + e.getMessage());
      } catch (PersistenceException e) {
        throw new IllegalStateException("an exchange gateway threw a persistence failure", e);
      }
    }
  }

  private static Placement resolveByQuery(
      ExchangeGateway gateway, MarketOrderRequest request, Clock clock, Instant until, String why) {
    Backoff backoff = Backoff.standard();
    String last = why;
    for (int attempt = 1; ; attempt++) {
      try {
        Optional<OrderReport> found = gateway.queryOrder(request.symbol(), request.clientOrderId());
        if (found.isPresent()) {
          return new Placement.Placed(found.get(), true, attempt);
        }
        return new Placement.Refused(
            "ABSENT", "no order " + request.clientOrderId() + " after " + why);
      } catch (RejectedException e) {
        return new Placement.Unresolved("query refused (" + e.code() + "): " + e.reason());
      } catch (RetryableException | OutcomeUnknownException e) {
        last = e.getMessage();
      } catch (RateLimitedException e) {
        last = e.getMessage();
        if (!Retries.waitUntil(clock, until, e.retryAfter())) {
          return new Placement.Unresolved(last);
        }
        continue;
      } catch (PersistenceException e) {
        throw new IllegalStateException("an exchange gateway threw a persistence failure", e);
      }
      if (!Retries.waitUntil(clock, until, backoff.delay(attempt))) {
        return new Placement.Unresolved("order state unknown at the deadline: " + last);
      }
    }
  }
}
