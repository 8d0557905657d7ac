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
  private final ExitOrders exitOrders;

  /**
   * A book on {@code clock} that takes a reduce-only fill as a position's exit only when {@code
   * exitOrders} says the order is that position's own.
   */
  public PositionBook(Clock clock, ExitOrders exitOrders) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.exitOrders = Objects.requireNonNull(exitOrders, "exitOrders");
  }

  /**
   * Registers a pending position before its entry order is sent, so that no fill pushed by the
   * stream can arrive before the book knows the symbol.
   *
   * @throws PositionAlreadyOpenException when the key already holds a position
   */
  public Position.Pending preRegister(
      PositionKey key, PositionSide side, ClientOrderId entryOrderId) {
    Position.Pending fresh = Position.pending(key, side, entryOrderId, clock.now());
    Position existing = positions.putIfAbsent(key, fresh);
    if (existing != null) {
      throw new PositionAlreadyOpenException(key, existing);
    }
    return fresh;
  }

  /** Puts a stored position in the book (at startup, or when adopting one). */
  public void load(Position.Stored position) {
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
              pos -> pos.with(pos.holding().withMark(m.markPrice(), clock.now())));
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
                          pos.with(
                              pos.holding()
                                  .withQuantity(
                                      side, p.signedSize().abs(), p.entryPrice(), clock.now())))
                  .orElseGet(
                      () ->
                          pos.with(
                              pos.holding()
                                  .withQuantity(
                                      pos.side(), BigDecimal.ZERO, pos.entryPrice(), clock.now())));
          result.set(classify(pos, next));
          return next;
        });
    return result.get();
  }

  private static BookUpdate classify(Position before, Position after) {
    // A stream event never changes a position's kind: before and after are both pending or both
    // stored under the same id.
    return switch (before) {
      case Position.Pending pending -> new BookUpdate.InMemory(after);
      case Position.Stored stored -> {
        if (after.phase() == Phase.ROLLED_BACK || after.phase() == Phase.CLOSED) {
          // Being rolled back or already closed: whoever is doing that owns the row.
          yield new BookUpdate.InMemory(after);
        }
        if (after.quantity().signum() == 0) {
          yield new BookUpdate.ActiveFlat(stored);
        }
        boolean changed =
            before.side() != after.side()
                || before.quantity().compareTo(after.quantity()) != 0
                || before.entryPrice().compareTo(after.entryPrice()) != 0;
        yield changed
            ? new BookUpdate.ActiveChanged(after, stored.dbId())
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
            return pos.with(pos.holding().withEntryFill(fill, clock.now()));
          }
          // Only the position's own close orders and stops end it: a reduce-only fill of the
          // position before it on the symbol can arrive late, after this one opened.
          if (o.reduceOnly() && o.filledQuantity().signum() > 0 && exitOrders.ends(pos, id)) {
            return pos.with(pos.holding().withExitFill(fill, clock.now()));
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
  public Position.Stored promote(
      Position.Pending registration,
      long dbId,
      BigDecimal verifiedQuantity,
      BigDecimal verifiedEntry) {
    PositionKey key = registration.key();
    AtomicReference<Position.Stored> promoted = new AtomicReference<>();
    positions.computeIfPresent(
        key,
        (k, pos) -> {
          if (!(pos instanceof Position.Pending pending)
              || !pending.id().equals(registration.id())) {
            return pos;
          }
          boolean streamSaidNothing = pending.quantity().signum() == 0;
          Position.Stored next =
              pending.promoted(
                  dbId,
                  streamSaidNothing ? verifiedQuantity : pending.quantity(),
                  streamSaidNothing ? verifiedEntry : pending.entryPrice(),
                  clock.now());
          promoted.set(next);
          return next;
        });
    if (promoted.get() == null) {
      throw new IllegalStateException(
          key + " no longer holds pending registration " + registration.id());
    }
    return promoted.get();
  }

  /**
   * Gives a stored position back the size the venue holds after a flat from the stream proved stale
   * (the venue still holds it): only while the key still holds that position, open and at size
   * zero. Empty when nothing was restored.
   */
  public Optional<Position> restoreSize(
      Position.Stored flat, PositionSide side, BigDecimal quantity, BigDecimal entryPrice) {
    AtomicReference<Position> restored = new AtomicReference<>();
    positions.computeIfPresent(
        flat.key(),
        (k, pos) -> {
          boolean open =
              pos.phase() == Phase.ACTIVE
                  || pos.phase() == Phase.CLOSING
                  || pos.phase() == Phase.PROTECTING;
          if (!pos.id().equals(flat.id()) || !open || pos.quantity().signum() != 0) {
            return pos;
          }
          Position next =
              pos.with(pos.holding().withQuantity(side, quantity, entryPrice, clock.now()));
          restored.set(next);
          return next;
        });
    return Optional.ofNullable(restored.get());
  }

  /** Records the stop protecting a position; empty when the key holds another position. */
  public Optional<Position> recordStop(PositionKey key, PositionId expected, ClientOrderId stopId) {
    return Optional.ofNullable(
            positions.computeIfPresent(
                key,
                (k, pos) ->
                    pos.id().equals(expected)
                        ? pos.with(pos.holding().withStop(stopId, clock.now()))
                        : pos))
        .filter(p -> p.id().equals(expected));
  }

  /**
   * Moves a stored position to another phase; empty when the key holds another position or the
   * position is not in {@code from}. Exactly one caller wins a race for the same transition.
   */
  public Optional<Position.Stored> transition(
      PositionKey key, PositionId.Db expected, Phase from, Phase to) {
    AtomicReference<Position.Stored> won = new AtomicReference<>();
    positions.computeIfPresent(
        key,
        (k, pos) -> {
          if (pos instanceof Position.Stored stored
              && stored.id().equals(expected)
              && stored.phase() == from) {
            Position.Stored next = stored.withPhase(to, clock.now());
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
