package io.positionkeeper.domain.position;

import java.util.Objects;
import java.util.UUID;

/**
 * Who a position is. A {@link Pending} position is registered in memory and has no database row; a
 * {@link Db} position has one. Ports accept only a {@code long} database id, and the only way to
 * get one from a {@code PositionId} is to match on {@link Db}: a pending position cannot reach a
 * store or the journal as an id, because the compiler has no path for it.
 */
public sealed interface PositionId {

  /** The key that ties every event of this position together (the entry client order id). */
  String correlationKey();

  /**
   * A position registered before its order, with no row yet. Two pending ids are never equal, even
   * for the same correlation key: each registration is its own.
   */
  record Pending(String correlationKey, UUID registration) implements PositionId {
    public Pending {
      Objects.requireNonNull(correlationKey, "correlationKey");
      if (correlationKey.isBlank()) {
        throw new IllegalArgumentException("a pending position needs a correlation key");
      }
      Objects.requireNonNull(registration, "registration");
    }

    /** A new registration for the key. */
    public static Pending register(String correlationKey) {
      return new Pending(correlationKey, UUID.randomUUID());
    }
  }

  /** A position stored in the database under {@code value}. */
  record Db(long value, String correlationKey) implements PositionId {
    public Db {
      if (value <= 0) {
        throw new IllegalArgumentException("a database id must be > 0, was " + value);
      }
      Objects.requireNonNull(correlationKey, "correlationKey");
    }
  }
}
