package io.positionkeeper.ports;

import java.util.Objects;

/**
 * The counterpart understood the call and refused it for good (insufficient margin, bad precision,
 * a constraint violation); sending it again unchanged fails again.
 */
public sealed class RejectedException extends PortException
    permits StaleLeaseException, StopWouldTriggerException {
  private final String code;
  private final String reason;

  public RejectedException(String code, String reason) {
    this(code, reason, null);
  }

  public RejectedException(String code, String reason, Throwable cause) {
    super(code + ": " + reason, cause);
    this.code = Objects.requireNonNull(code, "code");
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** The counterpart's code for the refusal (a venue error code, a constraint name). */
  public String code() {
    return code;
  }

  /** Why the call was refused, in the counterpart's words. */
  public String reason() {
    return reason;
  }
}
