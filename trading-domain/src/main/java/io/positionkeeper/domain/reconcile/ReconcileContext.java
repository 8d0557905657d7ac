package io.positionkeeper.domain.reconcile;

import io.positionkeeper.domain.audit.AuditTrail;
import io.positionkeeper.domain.audit.Subject;
import io.positionkeeper.domain.instrument.Instrument;
import io.positionkeeper.domain.instrument.InstrumentCatalog;
import io.positionkeeper.domain.position.Position;
import io.positionkeeper.domain.position.PositionBook;
import io.positionkeeper.domain.position.PositionKey;
import io.positionkeeper.domain.retry.Retries;
import io.positionkeeper.domain.tracking.PositionCloser;
import io.positionkeeper.domain.trailing.TrailingStops;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.PositionStore;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.Symbol;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/** What every part of one exchange's reconciliation works with, and the lookups they share. */
record ReconcileContext(
    ExchangeGateway gateway,
    PositionStore store,
    PositionBook book,
    AuditTrail audit,
    TrailingStops trailing,
    PositionCloser closer,
    Clock clock,
    ReconcilePolicy policy,
    InstrumentCatalog instruments) {

  ReconcileContext {
    Objects.requireNonNull(gateway, "gateway");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(book, "book");
    Objects.requireNonNull(audit, "audit");
    Objects.requireNonNull(trailing, "trailing");
    Objects.requireNonNull(closer, "closer");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(instruments, "instruments");
  }

  Exchange exchange() {
    return gateway.exchange();
  }

  PositionKey key(Symbol symbol) {
    return new PositionKey(exchange(), symbol);
  }

  /** A read of the venue, retried within the policy's call deadline. */
  <T> T read(Supplier<T> call) {
    return Retries.idempotent(clock, policy.callDeadline(), policy.backoff(), call);
  }

  Instrument instrument(Symbol symbol) {
    return read(() -> instruments.get(gateway, symbol));
  }

  /** The book's position for a stored row, when the book holds that very row. */
  Optional<Position> bookEntry(PositionRecord row) {
    return book.get(key(row.symbol()))
        .filter(p -> p instanceof Position.Stored stored && stored.dbId() == row.id());
  }

  Subject subjectOf(PositionRecord row) {
    return bookEntry(row)
        .map(Subject::of)
        .orElseGet(
            () ->
                Subject.stored(
                    key(row.symbol()), row.id(), ReconcileIds.correlationOf(row).value()));
  }
}
