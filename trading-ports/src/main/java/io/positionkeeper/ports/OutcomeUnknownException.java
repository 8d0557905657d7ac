package io.positionkeeper.ports;

/**
 * The call may or may not have taken effect (timeout, 5xx after sending, connection lost mid-call).
 * Find out by querying (an order by its client id), never by sending again.
 */
public final class OutcomeUnknownException extends PortException {
  public OutcomeUnknownException(String message) {
    super(message, null);
  }

  public OutcomeUnknownException(String message, Throwable cause) {
    super(message, cause);
  }
}
