package io.positionkeeper.ports;

import java.time.Duration;
import java.util.Objects;

/**
 * The venue refused the call for a rate limit; nothing took effect; call again after {@link
 * #retryAfter()}.
 */
public final class RateLimitedException extends PortException {
  private final Duration retryAfter;

  public RateLimitedException(String message, Duration retryAfter) {
    super(message, null);
    this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    if (retryAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter must not be negative: " + retryAfter);
    }
  }

  /** How long to wait before the next call of this kind. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
