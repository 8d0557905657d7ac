package io.positionkeeper.ports;

/**
 * The small, closed taxonomy every port method throws. Callers switch over it exhaustively: a new
 * kind of failure fails to compile where it is not handled.
 */
public abstract sealed class PortException extends RuntimeException
    permits RetryableException,
        RateLimitedException,
        RejectedException,
        OutcomeUnknownException,
        PersistenceException {

  protected PortException(String message, Throwable cause) {
    super(message, cause);
  }
}
