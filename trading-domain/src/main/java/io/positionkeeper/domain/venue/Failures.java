package io.positionkeeper.domain.venue;

import io.positionkeeper.ports.PortException;

/** How a failure reads in an audit event or a result: its kind and its message. */
public final class Failures {
  private Failures() {}

  /**
   * The failure's kind and message, e.g. {@code RejectedException: -2019 margin is insufficient}.
   */
  public static String describe(PortException e) {
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  /**
   * A failure thrown outside the ports' taxonomy (a driver's or a parser's bug), marked as such,
   * e.g. {@code unexpected IllegalStateException: the answer could not be parsed}.
   */
  public static String unexpected(RuntimeException e) {
    return "unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
