package io.positionkeeper.domain.position;

import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.OrderStatus;
import io.positionkeeper.ports.model.PositionSide;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A position as the book holds it: an immutable value, replaced on every change. It is either
 * {@link Pending} (registered before its entry order, no row) or {@link Stored} (it has a row). The
 * two are different types: only {@link Pending#promoted} turns one into the other, and only a
 * {@code Stored} position carries a database id, so no code has to check at run time that an id and
 * a phase agree.
 *
 * <p>What both kinds share, the symbol, side, size and the orders' fills, is the {@link Holding}.
 */
public sealed interface Position permits Position.Pending, Position.Stored {

  PositionId id();

  Phase phase();

  Holding holding();

  /** The same position with another holding. */
  Position with(Holding next);

  default PositionKey key() {
    return holding().key();
  }

  default PositionSide side() {
    return holding().side();
  }

  /** The size, from the exchange's fills; zero until the first one. */
  default BigDecimal quantity() {
    return holding().quantity();
  }

  default BigDecimal entryPrice() {
    return holding().entryPrice();
  }

  default Optional<BigDecimal> markPrice() {
    return holding().markPrice();
  }

  default ClientOrderId entryOrderId() {
    return holding().entryOrderId();
  }

  /** The entry order's own final report from the stream, when it arrived. */
  default Optional<Fill> entryFill() {
    return holding().entryFill();
  }

  default Optional<ClientOrderId> stopId() {
    return holding().stopId();
  }

  default Optional<Fill> exitFill() {
    return holding().exitFill();
  }

  default Instant registeredAt() {
    return holding().registeredAt();
  }

  default Instant updatedAt() {
    return holding().updatedAt();
  }

  /** The key that ties every event of this position together (the entry client order id). */
  default String correlationKey() {
    return id().correlationKey();
  }

  /** A new pending registration with nothing filled yet. */
  static Pending pending(
      PositionKey key, PositionSide side, ClientOrderId entryOrderId, Instant now) {
    return new Pending(
        PositionId.Pending.register(entryOrderId.value()),
        new Holding(
            key,
            side,
            BigDecimal.ZERO,
            BigDecimal.ZERO,
            Optional.empty(),
            entryOrderId,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            now,
            now));
  }

  /** A position loaded from its stored row. */
  static Stored active(
      long dbId,
      PositionKey key,
      PositionSide side,
      BigDecimal quantity,
      BigDecimal entryPrice,
      ClientOrderId correlation,
      Optional<ClientOrderId> stopId,
      Phase phase,
      Instant openedAt) {
    return new Stored(
        new PositionId.Db(dbId, correlation.value()),
        phase,
        new Holding(
            key,
            side,
            quantity,
            entryPrice,
            Optional.empty(),
            correlation,
            Optional.empty(),
            stopId,
            Optional.empty(),
            openedAt,
            openedAt));
  }

  /**
   * Registered before its entry order was sent; no row exists. Its phase is {@link
   * Phase#PENDING_OPEN} by type.
   */
  record Pending(PositionId.Pending id, Holding holding) implements Position {
    public Pending {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(holding, "holding");
    }

    @Override
    public Phase phase() {
      return Phase.PENDING_OPEN;
    }

    @Override
    public Pending with(Holding next) {
      return new Pending(id, next);
    }

    /** The stored position this registration became: its row's id, in phase PROTECTING. */
    Stored promoted(long dbId, BigDecimal qty, BigDecimal entry, Instant now) {
      return new Stored(
          new PositionId.Db(dbId, correlationKey()),
          Phase.PROTECTING,
          holding.withQuantity(holding.side(), qty, entry, now));
    }
  }

  /** A position with a database row. */
  record Stored(PositionId.Db id, Phase phase, Holding holding) implements Position {
    public Stored {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(phase, "phase");
      Objects.requireNonNull(holding, "holding");
      if (phase == Phase.PENDING_OPEN) {
        throw new IllegalArgumentException("a stored position is past PENDING_OPEN: " + id);
      }
    }

    @Override
    public Stored with(Holding next) {
      return new Stored(id, phase, next);
    }

    /** The row's id. */
    public long dbId() {
      return id.value();
    }

    Stored withPhase(Phase next, Instant now) {
      return new Stored(id, next, holding.touched(now));
    }
  }

  /**
   * An order's fill as the stream reported it: cumulative quantity, average price, realized PnL.
   */
  record Fill(
      ClientOrderId orderId,
      OrderStatus status,
      BigDecimal quantity,
      BigDecimal averagePrice,
      BigDecimal realizedPnl) {
    public Fill {
      Objects.requireNonNull(orderId, "orderId");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(quantity, "quantity");
      Objects.requireNonNull(averagePrice, "averagePrice");
      Objects.requireNonNull(realizedPnl, "realizedPnl");
    }
  }

  /**
   * What a position holds, pending or stored: {@code quantity} and {@code entryPrice} come from the
   * exchange's fills (zero until the first one); {@code entryFill} is the entry order's own final
   * report from the stream, when it arrived.
   */
  record Holding(
      PositionKey key,
      PositionSide side,
      BigDecimal quantity,
      BigDecimal entryPrice,
      Optional<BigDecimal> markPrice,
      ClientOrderId entryOrderId,
      Optional<Fill> entryFill,
      Optional<ClientOrderId> stopId,
      Optional<Fill> exitFill,
      Instant registeredAt,
      Instant updatedAt) {
    public Holding {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(side, "side");
      Objects.requireNonNull(quantity, "quantity");
      if (quantity.signum() < 0) {
        throw new IllegalArgumentException("quantity must be >= 0, was " + quantity);
      }
      Objects.requireNonNull(entryPrice, "entryPrice");
      Objects.requireNonNull(markPrice, "markPrice");
      Objects.requireNonNull(entryOrderId, "entryOrderId");
      Objects.requireNonNull(entryFill, "entryFill");
      Objects.requireNonNull(stopId, "stopId");
      Objects.requireNonNull(exitFill, "exitFill");
      Objects.requireNonNull(registeredAt, "registeredAt");
      Objects.requireNonNull(updatedAt, "updatedAt");
    }

    Holding withQuantity(
        PositionSide newSide, BigDecimal newQuantity, BigDecimal newEntry, Instant now) {
      return new Holding(
          key,
          newSide,
          newQuantity,
          newEntry,
          markPrice,
          entryOrderId,
          entryFill,
          stopId,
          exitFill,
          registeredAt,
          now);
    }

    Holding withMark(BigDecimal mark, Instant now) {
      return new Holding(
          key,
          side,
          quantity,
          entryPrice,
          Optional.of(mark),
          entryOrderId,
          entryFill,
          stopId,
          exitFill,
          registeredAt,
          now);
    }

    Holding withEntryFill(Fill fill, Instant now) {
      return new Holding(
          key,
          side,
          quantity,
          entryPrice,
          markPrice,
          entryOrderId,
          Optional.of(fill),
          stopId,
          exitFill,
          registeredAt,
          now);
    }

    Holding withExitFill(Fill fill, Instant now) {
      return new Holding(
          key,
          side,
          quantity,
          entryPrice,
          markPrice,
          entryOrderId,
          entryFill,
          stopId,
          Optional.of(fill),
          registeredAt,
          now);
    }

    Holding withStop(ClientOrderId stop, Instant now) {
      return new Holding(
          key,
          side,
          quantity,
          entryPrice,
          markPrice,
          entryOrderId,
          entryFill,
          Optional.of(stop),
          exitFill,
          registeredAt,
          now);
    }

    Holding touched(Instant now) {
      return new Holding(
          key,
          side,
          quantity,
          entryPrice,
          markPrice,
          entryOrderId,
          entryFill,
          stopId,
          exitFill,
          registeredAt,
          now);
    }
  }
}
