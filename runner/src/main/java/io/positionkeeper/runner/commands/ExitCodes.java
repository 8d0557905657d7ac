package io.positionkeeper.runner.commands;

/**
 * The exit codes scripts can rely on, the same for every command: 0 done, 1 failed, 2 refused usage
 * or configuration (nothing was done), 3 the database could not be reached or has no keeper schema,
 * 4 the answer is "something needs a person" (reconcile would change something, status found an
 * open position without a stop), 5 nothing matched (no such position).
 */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;
  public static final int DATABASE = 3;
  public static final int ATTENTION = 4;
  public static final int NOT_FOUND = 5;

  private ExitCodes() {}
}
