package io.positionkeeper.binance.parse;

/**
 * A payload from the venue that cannot be read: a missing field, a number that is not a number, an
 * enum value this adapter does not know. The message names the field and the offending value.
 */
public final class WireFormatException extends RuntimeException {
  public WireFormatException(String message) {
    super(message);
  }

  public WireFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
