package io.positionkeeper.domain.open;

import io.positionkeeper.domain.audit.Subject;
import io.positionkeeper.domain.instrument.Instrument;
import io.positionkeeper.domain.position.Position;
import io.positionkeeper.domain.position.PositionId;
import io.positionkeeper.domain.position.PositionKey;
import io.positionkeeper.domain.venue.ClientIds;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.StopOrder;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

/** What one opening has done so far: exactly what a rollback must undo. */
final class OpenAttempt {
  final OpenIntent intent;
  final PositionKey key;
  final ClientOrderId entryId;
  final ExchangeGateway gateway;
  final Instrument instrument;
  final Position.Pending registration;
  final BigDecimal requested;
  final Instant started;

  /** The id the book holds this position under once it is promoted. */
  Optional<PositionId.Db> inBook = Optional.empty();

  BigDecimal filled = BigDecimal.ZERO;
  boolean mayHaveFilled;
  // The entry may reach the venue after this attempt ends: its answer never said what became of it.
  boolean entryInDoubt;
  Optional<Long> dbId = Optional.empty();
  Optional<StopOrder> stop = Optional.empty();

  /** How many placements the working stop took. */
  int stopAttempts;

  String stopFailure = "no attempt";
  private int stopIds;

  OpenAttempt(
      OpenIntent intent,
      ExchangeGateway gateway,
      Instrument instrument,
      Position.Pending registration,
      BigDecimal requested,
      Instant started) {
    this.intent = intent;
    this.key = intent.key();
    this.entryId = registration.entryOrderId();
    this.gateway = gateway;
    this.instrument = instrument;
    this.registration = registration;
    this.requested = requested;
    this.started = started;
  }

  /** The id the book holds this position under: pending until it is promoted. */
  PositionId id() {
    return inBook.<PositionId>map(db -> db).orElse(registration.id());
  }

  /** A stop id for this opening never handed out before: the opener's and the rollback's alike. */
  ClientOrderId nextStopId() {
    return ClientIds.stop(entryId, ++stopIds);
  }

  Subject subject() {
    return Subject.of(key, id());
  }

  /** Whether the venue may hold something this attempt bought or sold. */
  boolean venueMayHoldAPosition() {
    return filled.signum() > 0 || mayHaveFilled;
  }

  /** Ends the attempt at {@code stage}: the opener rolls back what was done. */
  static final class Abort extends RuntimeException {
    final String stage;

    Abort(String stage, String reason) {
      super(reason, null, false, false);
      this.stage = stage;
    }
  }
}
