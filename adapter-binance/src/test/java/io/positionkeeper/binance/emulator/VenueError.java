package io.positionkeeper.binance.emulator;

/** A refusal the emulated venue answers with: HTTP status and Binance's {@code {code, msg}}. */
final class VenueError extends RuntimeException {
  final int status;
  final int code;

  VenueError(int status, int code, String msg) {
    super(msg);
    this.status = status;
    this.code = code;
  }

  static VenueError badRequest(int code, String msg) {
    return new VenueError(400, code, msg);
  }
}
