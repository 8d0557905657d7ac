package io.positionkeeper.ports;

/**
 * The call did not take effect and may be retried as it is (a refused connection, a 503 before the
 * venue acted).
 */
public final class RetryableException extends PortException {
  public RetryableException(String message) {
    super(message, null);
  }

  public RetryableException(String message, Throwable cause) {
    super(message, cause);
  }
}
