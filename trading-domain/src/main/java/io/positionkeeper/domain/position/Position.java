package io.positionkeeper.domain.position;

import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.OrderStatus;
import io.positionkeeper.ports.model.PositionSide;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A position as the book holds it: an immutable value, replaced on every change. {@code quantity}
 * and {@code entryPrice} come from the exchange's fills (zero until the first one); {@code
 * entryFill} is the entry order's own final report from the stream, when it arrived.
 */
public record Position(
    PositionId id,
    PositionKey key,
    PositionSide side,
    Phase phase,
    BigDecimal quantity,
    BigDecimal entryPrice,
    Optional<BigDecimal> markPrice,
    ClientOrderId entryOrderId,
    Optional<Fill> entryFill,
    Optional<ClientOrderId> stopId,
    Optional<Fill> exitFill,
    Instant registeredAt,
    Instant updatedAt) {

  /**
   * An order's fill as the stream reported it: cumulative quantity, average price, realized PnL.
   */
  public record Fill(
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

  public Position {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(side, "side");
    Objects.requireNonNull(phase, "phase");
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
    boolean pending = id instanceof PositionId.Pending;
    if (pending != (phase == Phase.PENDING_OPEN)) {
      throw new IllegalArgumentException(
          "a position is PENDING_OPEN exactly when its id is pending: " + id + " / " + phase);
    }
  }

  /** A new pending registration with nothing filled yet. */
  public static Position pending(
      PositionKey key, PositionSide side, ClientOrderId entryOrderId, Instant now) {
    return new Position(
        PositionId.Pending.register(entryOrderId.value()),
        key,
        side,
        Phase.PENDING_OPEN,
        BigDecimal.ZERO,
        BigDecimal.ZERO,
        Optional.empty(),
        entryOrderId,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        now,
        now);
  }

  /** A position loaded from its stored row. */
  public static Position active(
      long dbId,
      PositionKey key,
      PositionSide side,
      BigDecimal quantity,
      BigDecimal entryPrice,
      ClientOrderId correlation,
      Optional<ClientOrderId> stopId,
      Phase phase,
      Instant openedAt) {
    if (phase == Phase.PENDING_OPEN) {
      throw new IllegalArgumentException("a stored position is not pending");
    }
    return new Position(
        new PositionId.Db(dbId, correlation.value()),
        key,
        side,
        phase,
        quantity,
        entryPrice,
        Optional.empty(),
        correlation,
        Optional.empty(),
        stopId,
        Optional.empty(),
        openedAt,
        openedAt);
  }

  public String correlationKey() {
    return id.correlationKey();
  }

  Position withQuantity(
      PositionSide newSide, BigDecimal newQuantity, BigDecimal newEntry, Instant now) {
    return new Position(
        id,
        key,
        newSide,
        phase,
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

  Position withMark(BigDecimal mark, Instant now) {
    return new Position(
        id,
        key,
        side,
        phase,
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

  Position withEntryFill(Fill fill, Instant now) {
    return new Position(
        id,
        key,
        side,
        phase,
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

  Position withExitFill(Fill fill, Instant now) {
    return new Position(
        id,
        key,
        side,
        phase,
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

  Position withStop(ClientOrderId stop, Instant now) {
    return new Position(
        id,
        key,
        side,
        phase,
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

  Position withPhase(Phase newPhase, Instant now) {
    return new Position(
        id,
        key,
        side,
        newPhase,
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

  Position promoted(long dbId, BigDecimal qty, BigDecimal entry, Instant now) {
    return new Position(
        new PositionId.Db(dbId, correlationKey()),
        key,
        side,
        Phase.PROTECTING,
        qty,
        entry,
        markPrice,
        entryOrderId,
        entryFill,
        stopId,
        exitFill,
        registeredAt,
        now);
  }
}
