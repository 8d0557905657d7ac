package io.positionkeeper.runner.commands;

/** A failure a shell user can act on: the message says what and why, the code what kind. */
public final class CommandException extends RuntimeException {
  private final int exitCode;

  public CommandException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public CommandException(int exitCode, String message) {
    this(exitCode, message, null);
  }

  public int exitCode() {
    return exitCode;
  }
}
