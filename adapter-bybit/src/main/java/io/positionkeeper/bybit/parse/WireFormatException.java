package io.positionkeeper.bybit.parse;

/** A payload did not have the shape the venue documents; says which field and why. */
public final class WireFormatException extends RuntimeException {
  public WireFormatException(String message) {
    super(message);
  }

  public WireFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
