package io.positionkeeper.domain.audit;

import io.positionkeeper.domain.position.Position;
import io.positionkeeper.domain.position.PositionId;
import io.positionkeeper.domain.position.PositionKey;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.Symbol;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What an audit event is about: an exchange, usually a symbol, a stored position's id when there is
 * one, and always a correlation key. {@link #of(PositionKey, PositionId)} is the one place where a
 * {@link PositionId} becomes an optional database id, by matching on {@link PositionId.Db}: a
 * pending position yields no id.
 */
public record Subject(
    Exchange exchange, Optional<Symbol> symbol, OptionalLong positionId, String correlationKey) {

  public Subject {
    Objects.requireNonNull(exchange, "exchange");
    Objects.requireNonNull(symbol, "symbol");
    Objects.requireNonNull(positionId, "positionId");
    Objects.requireNonNull(correlationKey, "correlationKey");
    if (correlationKey.isBlank()) {
      throw new IllegalArgumentException("an audit subject needs a correlation key");
    }
  }

  public static Subject of(PositionKey key, PositionId id) {
    OptionalLong dbId =
        switch (id) {
          case PositionId.Db db -> OptionalLong.of(db.value());
          case PositionId.Pending pending -> OptionalLong.empty();
        };
    return new Subject(key.exchange(), Optional.of(key.symbol()), dbId, id.correlationKey());
  }

  public static Subject of(Position position) {
    return of(position.key(), position.id());
  }

  /** A stored position known only by its row (reconciliation, restore). */
  public static Subject stored(PositionKey key, long dbId, String correlationKey) {
    return of(key, new PositionId.Db(dbId, correlationKey));
  }

  /** Something about a symbol with no position of ours (a foreign position, an intent refused). */
  public static Subject symbol(PositionKey key, String correlationKey) {
    return new Subject(
        key.exchange(), Optional.of(key.symbol()), OptionalLong.empty(), correlationKey);
  }

  /** Something about a whole exchange (a reconciliation run, the connection). */
  public static Subject exchange(Exchange exchange, String correlationKey) {
    return new Subject(exchange, Optional.empty(), OptionalLong.empty(), correlationKey);
  }
}
