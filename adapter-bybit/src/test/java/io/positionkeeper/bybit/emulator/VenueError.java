package io.positionkeeper.bybit.emulator;

/** A refusal the emulated venue answers with: its retCode and retMsg in the envelope. */
final class VenueError extends RuntimeException {
  final int retCode;

  VenueError(int retCode, String retMsg) {
    super(retMsg);
    this.retCode = retCode;
  }
}
