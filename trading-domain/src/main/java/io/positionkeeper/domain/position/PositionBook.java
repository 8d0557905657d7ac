package io.positionkeeper.domain.position;

import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.StreamEvent;
import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The in-memory registry of positions, one per (exchange, symbol), fed by the exchanges' streams.
 * Safe from any thread: every change is an atomic replace of one key's immutable {@link Position}.
 * It never writes to a store; it tells its caller, through {@link BookUpdate}, when a write is
 * owed.
 */
public final class PositionBook {
  private final ConcurrentHashMap<PositionKey, Position> positions = new ConcurrentHashMap<>();
  private final Clock clock;

  public PositionBook(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Registers a pending position before its entry order is sent, so that no fill pushed by the
   * stream can arrive before the book knows the symbol.
   *
   * @throws PositionAlreadyOpenException when the key already holds a position
   */
  public Registration preRegister(PositionKey key, PositionSide side, ClientOrderId entryOrderId) {
    Position fresh = Position.pending(key, side, entryOrderId, clock.now());
    Position existing = positions.putIfAbsent(key, fresh);
    if (existing != null) {
      throw new PositionAlreadyOpenException(key, existing);
    }
    return new Registration(key, (PositionId.Pending) fresh.id(), side, entryOrderId);
  }

  /**
   * A pending registration: what the opener holds between pre-registration and promotion. Its id is
   * a {@link PositionId.Pending} by type, so nothing can write it as a stored one.
   */
  public record Registration(
      PositionKey key, PositionId.Pending id, PositionSide side, ClientOrderId entryOrderId) {}

  /** Puts a stored position in the book (at startup, or when adopting one). */
  public void load(Position position) {
    if (position.id() instanceof PositionId.Pending) {
      throw new IllegalArgumentException("load takes stored positions; register pending ones");
    }
    Position existing = positions.putIfAbsent(position.key(), position);
    if (existing != null) {
      throw new PositionAlreadyOpenException(position.key(), existing);
    }
  }

  public Optional<Position> get(PositionKey key) {
    return Optional.ofNullable(positions.get(key));
  }

  /** Every position, in no particular order. */
  public List<Position> all() {
    return List.copyOf(positions.values());
  }

  public int size() {
    return positions.size();
  }

  /** Applies one stream event of {@code exchange} and says what the caller owes the store. */
  public BookUpdate apply(Exchange exchange, StreamEvent event) {
    return switch (event) {
      case StreamEvent.PositionChanged p -> onPosition(new PositionKey(exchange, p.symbol()), p);
      case StreamEvent.OrderChanged o -> onOrder(new PositionKey(exchange, o.symbol()), o);
      case StreamEvent.MarkPriceChanged m ->
          update(
              new PositionKey(exchange, m.symbol()),
              pos -> pos.withMark(m.markPrice(), clock.now()));
      case StreamEvent.StopChanged s -> new BookUpdate.Ignored();
      case StreamEvent.ConnectionChanged c -> new BookUpdate.Ignored();
    };
  }

  private BookUpdate onPosition(PositionKey key, StreamEvent.PositionChanged p) {
    AtomicReference<BookUpdate> result = new AtomicReference<>(new BookUpdate.Untracked(key));
    positions.computeIfPresent(
        key,
        (k, pos) -> {
          Position next =
              p.side()
                  .map(
                      side ->
                          pos.withQuantity(side, p.signedSize().abs(), p.entryPrice(), clock.now()))
                  .orElseGet(
                      () ->
                          pos.withQuantity(
                              pos.side(), BigDecimal.ZERO, pos.entryPrice(), clock.now()));
          result.set(classify(pos, next));
          return next;
        });
    return result.get();
  }

  private static BookUpdate classify(Position before, Position after) {
    return switch (after.id()) {
      case PositionId.Pending pending -> new BookUpdate.InMemory(after);
      case PositionId.Db db -> {
        if (after.phase() == Phase.ROLLED_BACK || after.phase() == Phase.CLOSED) {
          // Being rolled back or already closed: whoever is doing that owns the row.
          yield new BookUpdate.InMemory(after);
        }
        if (after.quantity().signum() == 0) {
          yield new BookUpdate.ActiveFlat(before, db.value());
        }
        boolean changed =
            before.side() != after.side()
                || before.quantity().compareTo(after.quantity()) != 0
                || before.entryPrice().compareTo(after.entryPrice()) != 0;
        yield changed
            ? new BookUpdate.ActiveChanged(after, db.value())
            : new BookUpdate.InMemory(after);
      }
    };
  }

  private BookUpdate onOrder(PositionKey key, StreamEvent.OrderChanged o) {
    if (o.clientOrderId().isEmpty()) {
      return get(key)
          .<BookUpdate>map(BookUpdate.InMemory::new)
          .orElse(new BookUpdate.Untracked(key));
    }
    ClientOrderId id = o.clientOrderId().get();
    var fill =
        new Position.Fill(id, o.status(), o.filledQuantity(), o.averagePrice(), o.realizedPnl());
    return update(
        key,
        pos -> {
          if (id.equals(pos.entryOrderId())) {
            return pos.withEntryFill(fill, clock.now());
          }
          if (o.reduceOnly() && o.filledQuantity().signum() > 0) {
            return pos.withExitFill(fill, clock.now());
          }
          return pos;
        });
  }

  private BookUpdate update(PositionKey key, java.util.function.UnaryOperator<Position> change) {
    Position next = positions.computeIfPresent(key, (k, pos) -> change.apply(pos));
    return next == null ? new BookUpdate.Untracked(key) : new BookUpdate.InMemory(next);
  }

  /**
   * Switches a pending position to its database id, atomically, in phase {@link Phase#PROTECTING}.
   * The size the stream reported since registration is kept; the verified fill fills in when the
   * stream said nothing yet.
   *
   * @throws IllegalStateException when the key no longer holds that pending registration
   */
  public Position promote(
      Registration registration, long dbId, BigDecimal verifiedQuantity, BigDecimal verifiedEntry) {
    PositionKey key = registration.key();
    PositionId.Pending expected = registration.id();
    Position next =
        positions.computeIfPresent(
            key,
            (k, pos) -> {
              if (!pos.id().equals(expected)) {
                return pos;
              }
              boolean streamSaidNothing = pos.quantity().signum() == 0;
              return pos.promoted(
                  dbId,
                  streamSaidNothing ? verifiedQuantity : pos.quantity(),
                  streamSaidNothing ? verifiedEntry : pos.entryPrice(),
                  clock.now());
            });
    if (next == null || !(next.id() instanceof PositionId.Db db) || db.value() != dbId) {
      throw new IllegalStateException(key + " no longer holds pending registration " + expected);
    }
    return next;
  }

  /** Records the stop protecting a position; empty when the key holds another position. */
  public Optional<Position> recordStop(PositionKey key, PositionId expected, ClientOrderId stopId) {
    return Optional.ofNullable(
            positions.computeIfPresent(
                key,
                (k, pos) -> pos.id().equals(expected) ? pos.withStop(stopId, clock.now()) : pos))
        .filter(p -> p.id().equals(expected));
  }

  /**
   * Moves a stored position to another phase; empty when the key holds another position or the
   * position is not in {@code from}. Exactly one caller wins a race for the same transition.
   */
  public Optional<Position> transition(PositionKey key, PositionId expected, Phase from, Phase to) {
    AtomicReference<Position> won = new AtomicReference<>();
    positions.computeIfPresent(
        key,
        (k, pos) -> {
          if (pos.id().equals(expected) && pos.phase() == from) {
            Position next = pos.withPhase(to, clock.now());
            won.set(next);
            return next;
          }
          return pos;
        });
    return Optional.ofNullable(won.get());
  }

  /** Removes the position if the key still holds that id; returns what was removed. */
  public Optional<Position> remove(PositionKey key, PositionId expected) {
    AtomicReference<Position> removed = new AtomicReference<>();
    positions.computeIfPresent(
        key,
        (k, pos) -> {
          if (pos.id().equals(expected)) {
            removed.set(pos);
            return null;
          }
          return pos;
        });
    return Optional.ofNullable(removed.get());
  }
}
