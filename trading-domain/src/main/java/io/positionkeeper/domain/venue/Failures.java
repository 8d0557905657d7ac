package io.positionkeeper.domain.venue;

import io.positionkeeper.ports.PortException;

/** How a port's failure reads in an audit event or a result: its kind and its message. */
public final class Failures {
  private Failures() {}

  /**
   * The failure's kind and message, e.g. {@code RejectedException: -2019 margin is insufficient}.
   */
  public static String describe(PortException e) {
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
