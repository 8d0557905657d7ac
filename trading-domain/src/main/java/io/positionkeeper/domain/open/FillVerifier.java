package io.positionkeeper.domain.open;

import io.positionkeeper.domain.position.Position;
import io.positionkeeper.domain.position.PositionBook;
import io.positionkeeper.domain.position.PositionId;
import io.positionkeeper.domain.position.PositionKey;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.RateLimitedException;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.ExchangePosition;
import io.positionkeeper.ports.model.OrderReport;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionSnapshot;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Confirms an entry fill by asking the policy's sources in order (the book, fed by the WebSocket;
 * the order's status; the REST position list), polling with backoff until one answers or the
 * deadline passes. The quantity comes from the fills, never from the request.
 */
final class FillVerifier {
  private final PositionBook book;
  private final Clock clock;
  private final OpenPolicy policy;

  FillVerifier(PositionBook book, Clock clock, OpenPolicy policy) {
    this.book = Objects.requireNonNull(book, "book");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /** What one source says in one round. */
  private sealed interface Answer {
    record Filled(BigDecimal quantity, BigDecimal averagePrice) implements Answer {}

    record NoFill(String reason) implements Answer {}

    record NotYet(String why) implements Answer {}
  }

  Verification verify(
      ExchangeGateway gateway,
      PositionKey key,
      PositionId.Pending pending,
      PositionSide side,
      ClientOrderId entryId,
      OrderReport response,
      Instant started) {
    Instant deadline = started.plus(policy.verifyDeadline());
    OrderReport lastKnown = response;
    String lastWhy = "no source answered";
    for (int round = 1; ; round++) {
      for (FillSource source : policy.sources()) {
        Answer answer;
        try {
          answer =
              switch (source) {
                case WEBSOCKET -> fromBook(key, pending);
                case ORDER_STATUS -> {
                  // The first round uses the order's own response; later rounds query it.
                  OrderReport report =
                      round == 1
                          ? lastKnown
                          : gateway.queryOrder(key.symbol(), entryId).orElse(null);
                  if (report != null) {
                    lastKnown = report;
                  }
                  yield fromOrder(report);
                }
                case POSITION_LIST -> fromPositions(gateway.positions(), key, side);
              };
        } catch (RateLimitedException e) {
          answer = new Answer.NotYet(source + " rate limited for " + e.retryAfter());
        } catch (PortException e) {
          answer = new Answer.NotYet(source + " failed: " + e.getMessage());
        }
        switch (answer) {
          case Answer.Filled f -> {
            return new Verification.Verified(
                f.quantity(), f.averagePrice(), source, Duration.between(started, clock.now()));
          }
          case Answer.NoFill n -> {
            return new Verification.NotFilled(n.reason());
          }
          case Answer.NotYet n -> lastWhy = n.why();
        }
      }
      Duration wait = policy.backoff().delay(round);
      if (clock.now().plus(wait).isAfter(deadline)) {
        return new Verification.Unknown(
            "no fill confirmed within " + policy.verifyDeadline() + ": " + lastWhy);
      }
      try {
        clock.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Verification.Unknown("interrupted while verifying: " + lastWhy);
      }
    }
  }

  private Answer fromBook(PositionKey key, PositionId.Pending pending) {
    Optional<Position> current = book.get(key).filter(p -> p.id().equals(pending));
    if (current.isEmpty()) {
      return new Answer.NotYet("the pre-registration left the book");
    }
    Position p = current.get();
    if (p.entryFill().isPresent()) {
      Position.Fill fill = p.entryFill().get();
      if (fill.status().isFinal()) {
        return fill.quantity().signum() > 0
            ? new Answer.Filled(fill.quantity(), fill.averagePrice())
            : new Answer.NoFill("entry order " + fill.status() + " with nothing filled (stream)");
      }
    }
    if (p.quantity().signum() > 0 && p.entryPrice().signum() > 0) {
      return new Answer.Filled(p.quantity(), p.entryPrice());
    }
    return new Answer.NotYet("the stream has not reported the fill");
  }

  private static Answer fromOrder(OrderReport report) {
    if (report == null) {
      return new Answer.NotYet("order not visible yet");
    }
    if (!report.status().isFinal()) {
      return new Answer.NotYet("order is " + report.status());
    }
    return report.hasFill() && report.averagePrice().signum() > 0
        ? new Answer.Filled(report.filledQuantity(), report.averagePrice())
        : new Answer.NoFill("entry order " + report.status() + " with nothing filled");
  }

  private static Answer fromPositions(
      PositionSnapshot snapshot, PositionKey key, PositionSide side) {
    return switch (snapshot) {
      case PositionSnapshot.Incomplete inc ->
          new Answer.NotYet("position list incomplete: " + inc.reason());
      case PositionSnapshot.Complete c -> {
        Optional<ExchangePosition> row =
            c.find(key.symbol()).filter(r -> !r.isFlat() && r.side().equals(Optional.of(side)));
        yield row.<Answer>map(r -> new Answer.Filled(r.size(), r.entryPrice()))
            .orElse(new Answer.NotYet("no position on the list yet"));
      }
    };
  }
}
