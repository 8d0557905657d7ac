package io.positionkeeper.ports;

/**
 * The account's lease this call was made under is no longer the current one (it expired and another
 * runner took it, or it was released): the write is refused, and the runner that held the lease
 * must stop acting for the account. A refusal: sending it again under the same lease fails again.
 */
public final class StaleLeaseException extends RejectedException {
  /** The code every stale-lease refusal carries. */
  public static final String CODE = "STALE_LEASE";

  public StaleLeaseException(String reason) {
    super(CODE, reason, null);
  }
}
