package io.positionkeeper.ports;

/**
 * The venue refused a stop-loss (a placement or a move) because it would trigger at once: the
 * venue's own mark is already at or beyond the trigger on the losing side. For the caller this is
 * news about the market, not only a refusal: the position is already past that level, so the stop
 * it asked for has, in effect, fired. Sending the same stop again fails again while the mark stays.
 */
public final class StopWouldTriggerException extends RejectedException {

  public StopWouldTriggerException(String code, String reason) {
    super(code, reason, null);
  }

  public StopWouldTriggerException(String code, String reason, Throwable cause) {
    super(code, reason, cause);
  }
}
