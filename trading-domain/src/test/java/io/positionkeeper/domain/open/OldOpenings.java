package io.positionkeeper.domain.open;

import java.util.List;
import java.util.Optional;

/**
 * The opener's defects of the safety-core review, put back in test scope through the opener's
 * seams, so the simulator can show that it catches each again ("teeth"). Never used by a keeper
 * outside a test.
 */
public final class OldOpenings {
  private OldOpenings() {}

  /** A retried intent is not asked about: its entry id may open a second time, or a ghost. */
  public static IntentGuard noIntentGuard() {
    return (intent, sent, stored) -> Optional.empty();
  }

  /**
   * The rollback undoes everything whatever the venue answered: a position it could not close loses
   * its stop, its row is rolled back and it leaves the book.
   */
  public static RollbackFactory rollbackStrippingTheStop() {
    return (store, book, audit, trailing, closer, stops, clock, policy) ->
        new OpenRollback(store, book, audit, trailing, closer, stops, clock, policy) {
          @Override
          void keepProtected(OpenAttempt a, String why, List<String> failures) {
            undoAll(a, why, failures);
          }
        };
  }

  /**
   * Only an opening's own aborts roll back: anything else thrown escapes {@code open()} with the
   * fill unprotected and the registration left in the book.
   */
  public static RollbackFactory rollbackSkippedOnTheUnexpected() {
    return (store, book, audit, trailing, closer, stops, clock, policy) ->
        new OpenRollback(store, book, audit, trailing, closer, stops, clock, policy) {
          @Override
          OpenResult.Failed undo(OpenAttempt a, String stage, String reason) {
            if (stage.equals("UNEXPECTED")) {
              throw new IllegalStateException("escaped without rollback: " + reason);
            }
            return super.undo(a, stage, reason);
          }
        };
  }
}
