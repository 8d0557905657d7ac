package io.positionkeeper.domain.venue;

import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.model.ClientOrderId;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands out close order ids that never repeat: every close of every position in one process takes
 * the next number, and the numbers start from the clock's milliseconds, so a restarted process
 * continues above what an earlier one issued. The opener's rollback, the closer and reconciliation
 * share one instance, so their closes of one position can never collide.
 */
public final class CloseOrderIds {
  private final Clock clock;
  private final AtomicLong last = new AtomicLong();

  public CloseOrderIds(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A close order id for the position opened by {@code entry}, never issued before. */
  public ClientOrderId next(ClientOrderId entry) {
    long now = clock.now().toEpochMilli();
    long sequence = last.updateAndGet(previous -> Math.max(previous + 1, now));
    return ClientIds.close(entry, sequence);
  }
}
