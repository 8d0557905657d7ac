package io.positionkeeper.domain.open;

import io.positionkeeper.domain.retry.Backoff;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The time limits and verification order of opening a position: how long the entry order, the fill
 * verification and the stop-loss placement may take, and which fill sources are asked, in order;
 * and how long a filled position waits, protected by its stop, for a store that is away.
 */
public record OpenPolicy(
    Duration orderDeadline,
    Duration verifyDeadline,
    Duration stopDeadline,
    Backoff backoff,
    List<FillSource> sources,
    int emergencyCloseAttempts,
    Duration storeOutageWait) {

  public OpenPolicy {
    Objects.requireNonNull(orderDeadline, "orderDeadline");
    Objects.requireNonNull(verifyDeadline, "verifyDeadline");
    Objects.requireNonNull(stopDeadline, "stopDeadline");
    Objects.requireNonNull(backoff, "backoff");
    Objects.requireNonNull(storeOutageWait, "storeOutageWait");
    sources = List.copyOf(sources);
    if (sources.isEmpty()) {
      throw new IllegalArgumentException("at least one fill source is needed");
    }
    if (emergencyCloseAttempts < 1) {
      throw new IllegalArgumentException("emergencyCloseAttempts must be >= 1");
    }
  }

  /**
   * WebSocket, then order status, then REST positions; 5 s for orders and stops, 10 s to verify; a
   * filled position whose store is away waits 60 s under its stop for the store to come back (less
   * than reconciliation's 2 min for a pending registration, which would otherwise expire under the
   * opener's hands).
   */
  public static OpenPolicy standard() {
    return new OpenPolicy(
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(5),
        Backoff.standard(),
        List.of(FillSource.WEBSOCKET, FillSource.ORDER_STATUS, FillSource.POSITION_LIST),
        3,
        Duration.ofSeconds(60));
  }
}
