package io.positionkeeper.bybit.http;

import java.util.Set;

/**
 * What a Bybit {@code retCode} means for the caller. Business errors arrive with HTTP 200, so this
 * classification, not the HTTP status, decides.
 */
public enum RetCode {
  /** {@code 0}: done. */
  OK,
  /** {@code 34040}, {@code 110043}, {@code 110025}, {@code 110026}: already so; a success. */
  NOT_MODIFIED,
  /**
   * {@code 10006} (the per-UID limit) and {@code 10018} (the per-IP limit): wait until {@code
   * X-Bapi-Limit-Reset-Timestamp}. Nothing was done, so the request may go again after the wait.
   */
  RATE_LIMITED,
  /** {@code 10002}: the timestamp is outside the receive window; resync the clock. */
  CLOCK_SKEW,
  /** {@code 10016}: the venue's server failed; a write may or may not have happened. */
  SERVER_ERROR,
  /** Any other code: the venue understood the call and refused it. */
  REJECTED;

  private static final Set<Integer> NOT_MODIFIED_CODES = Set.of(34040, 110043, 110025, 110026);

  /** The meaning of {@code code}. */
  public static RetCode of(int code) {
    if (code == 0) {
      return OK;
    }
    if (NOT_MODIFIED_CODES.contains(code)) {
      return NOT_MODIFIED;
    }
    return switch (code) {
      case 10006, 10018 -> RATE_LIMITED;
      case 10002 -> CLOCK_SKEW;
      case 10016 -> SERVER_ERROR;
      default -> REJECTED;
    };
  }
}
