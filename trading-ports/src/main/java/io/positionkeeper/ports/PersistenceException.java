package io.positionkeeper.ports;

/** A store could not be reached or did not answer; nothing was written. */
public final class PersistenceException extends PortException {
  public PersistenceException(String message) {
    super(message, null);
  }

  public PersistenceException(String message, Throwable cause) {
    super(message, cause);
  }
}
