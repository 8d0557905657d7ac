package io.positionkeeper.domain.instrument;

/** A requested size cannot be traded under the instrument's rules; the message says which rule. */
public final class SizeRejectedException extends IllegalArgumentException {
  public SizeRejectedException(String message) {
    super(message);
  }
}
