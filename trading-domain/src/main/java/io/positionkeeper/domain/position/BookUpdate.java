package io.positionkeeper.domain.position;

/**
 * What applying a stream event to the book did, and so what the caller owes the store: nothing for
 * {@link Ignored}, {@link Untracked} and {@link InMemory}; a persisted update for {@link
 * ActiveChanged}; a close for {@link ActiveFlat}. The database id is only ever handed out for a
 * stored position.
 */
public sealed interface BookUpdate {

  /** The event is not about positions (a stop change, the connection). */
  record Ignored() implements BookUpdate {}

  /** The event is about a symbol the book does not hold (the reconciler's business). */
  record Untracked(PositionKey key) implements BookUpdate {}

  /** Only memory changed: a pending position, a mark price, a fill report, or nothing new. */
  record InMemory(Position position) implements BookUpdate {}

  /** A stored position's side, size or entry changed: persist it under {@code dbId}. */
  record ActiveChanged(Position position, long dbId) implements BookUpdate {}

  /**
   * A stored position went flat on the exchange: close it under {@code dbId}. {@code position} is
   * as it was just before, with the size that was closed.
   */
  record ActiveFlat(Position.Stored position) implements BookUpdate {
    public long dbId() {
      return position.dbId();
    }
  }
}
