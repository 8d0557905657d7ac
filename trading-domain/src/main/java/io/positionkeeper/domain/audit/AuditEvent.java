package io.positionkeeper.domain.audit;

import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.CloseReason;
import io.positionkeeper.ports.model.ExchangeOrderId;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Severity;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the audit trail records, as typed events. Each checks its fields where it is created,
 * so an invalid event fails at the line that made it, with a clear message, and never later in a
 * batch.
 */
public sealed interface AuditEvent {

  Subject subject();

  /** The event's type name in the journal, UPPER_SNAKE_CASE. */
  String type();

  Severity severity();

  /** The event's details as flat text. */
  Map<String, String> payload();

  private static String text(String value, String field) {
    Objects.requireNonNull(value, field);
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
    return value;
  }

  private static BigDecimal positive(BigDecimal value, String field) {
    Objects.requireNonNull(value, field);
    if (value.signum() <= 0) {
      throw new IllegalArgumentException(field + " must be > 0, was " + value.toPlainString());
    }
    return value;
  }

  // ------------------------------------------------------------------ opening

  /** An intent was refused before any order (invalid size, a position already open, no rules). */
  record IntentRefused(Subject subject, String reason) implements AuditEvent {
    public IntentRefused {
      Objects.requireNonNull(subject, "subject");
      text(reason, "reason");
    }

    public String type() {
      return "INTENT_REFUSED";
    }

    public Severity severity() {
      return Severity.WARNING;
    }

    public Map<String, String> payload() {
      return Payload.with().put("reason", reason).build();
    }
  }

  /** A position was registered in memory before its entry order. */
  record PositionPreRegistered(Subject subject, PositionSide side, BigDecimal quantity)
      implements AuditEvent {
    public PositionPreRegistered {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(side, "side");
      positive(quantity, "quantity");
    }

    public String type() {
      return "POSITION_PRE_REGISTERED";
    }

    public Severity severity() {
      return Severity.INFO;
    }

    public Map<String, String> payload() {
      return Payload.with().put("side", side).put("quantity", quantity).build();
    }
  }

  /** The entry order was accepted by the exchange. */
  record EntryOrderPlaced(
      Subject subject,
      ClientOrderId clientOrderId,
      ExchangeOrderId orderId,
      String status,
      BigDecimal filledQuantity,
      boolean resolvedByQuery)
      implements AuditEvent {
    public EntryOrderPlaced {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(clientOrderId, "clientOrderId");
      Objects.requireNonNull(orderId, "orderId");
      text(status, "status");
      Objects.requireNonNull(filledQuantity, "filledQuantity");
    }

    public String type() {
      return "ENTRY_ORDER_PLACED";
    }

    public Severity severity() {
      return Severity.INFO;
    }

    public Map<String, String> payload() {
      return Payload.with()
          .put("clientOrderId", clientOrderId)
          .put("orderId", orderId)
          .put("status", status)
          .put("filledQuantity", filledQuantity)
          .put("resolvedByQuery", resolvedByQuery)
          .build();
    }
  }

  /** The entry order was refused, or found never to have been placed. */
  record EntryOrderFailed(Subject subject, String code, String reason) implements AuditEvent {
    public EntryOrderFailed {
      Objects.requireNonNull(subject, "subject");
      text(code, "code");
      text(reason, "reason");
    }

    public String type() {
      return "ENTRY_ORDER_FAILED";
    }

    public Severity severity() {
      return Severity.WARNING;
    }

    public Map<String, String> payload() {
      return Payload.with().put("code", code).put("reason", reason).build();
    }
  }

  /** A source confirmed the entry fill. */
  record FillVerified(
      Subject subject,
      String source,
      BigDecimal quantity,
      BigDecimal averagePrice,
      Duration elapsed)
      implements AuditEvent {
    public FillVerified {
      Objects.requireNonNull(subject, "subject");
      text(source, "source");
      positive(quantity, "quantity");
      positive(averagePrice, "averagePrice");
      Objects.requireNonNull(elapsed, "elapsed");
    }

    public String type() {
      return "FILL_VERIFIED";
    }

    public Severity severity() {
      return Severity.INFO;
    }

    public Map<String, String> payload() {
      return Payload.with()
          .put("source", source)
          .put("quantity", quantity)
          .put("averagePrice", averagePrice)
          .put("elapsedMs", elapsed.toMillis())
          .build();
    }
  }

  /**
   * No source confirmed a fill: the order did not fill, or the deadline passed without an answer.
   */
  record FillNotVerified(Subject subject, String outcome, String reason) implements AuditEvent {
    public FillNotVerified {
      Objects.requireNonNull(subject, "subject");
      text(outcome, "outcome");
      text(reason, "reason");
    }

    public String type() {
      return "FILL_NOT_VERIFIED";
    }

    public Severity severity() {
      return Severity.WARNING;
    }

    public Map<String, String> payload() {
      return Payload.with().put("outcome", outcome).put("reason", reason).build();
    }
  }

  /** The position's row was created (written with the row). */
  record PositionCreated(
      Subject subject,
      PositionSide side,
      BigDecimal quantity,
      BigDecimal entryPrice,
      ExchangeOrderId exchangeOrderId,
      Optional<String> signalId)
      implements AuditEvent {
    public PositionCreated {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(side, "side");
      positive(quantity, "quantity");
      positive(entryPrice, "entryPrice");
      Objects.requireNonNull(exchangeOrderId, "exchangeOrderId");
      Objects.requireNonNull(signalId, "signalId");
    }

    public String type() {
      return "POSITION_CREATED";
    }

    public Severity severity() {
      return Severity.INFO;
    }

    public Map<String, String> payload() {
      return Payload.with()
          .put("side", side)
          .put("quantity", quantity)
          .put("entryPrice", entryPrice)
          .put("exchangeOrderId", exchangeOrderId)
          .put("signalId", signalId)
          .build();
    }
  }

  // ------------------------------------------------------------------ stops

  /** A stop-loss is working on the exchange (written with the stop's record on the row). */
  record StopPlaced(
      Subject subject, ClientOrderId stopId, BigDecimal triggerPrice, int attempts, String context)
      implements AuditEvent {
    public StopPlaced {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(stopId, "stopId");
      positive(triggerPrice, "triggerPrice");
      if (attempts < 1) {
        throw new IllegalArgumentException("attempts must be >= 1, was " + attempts);
      }
      text(context, "context");
    }

    public String type() {
      return "STOP_PLACED";
    }

    public Severity severity() {
      return Severity.INFO;
    }

    public Map<String, String> payload() {
      return Payload.with()
          .put("stopId", stopId)
          .put("triggerPrice", triggerPrice)
          .put("attempts", attempts)
          .put("context", context)
          .build();
    }
  }

  /** An attempt to place a stop-loss failed. */
  record StopPlacementFailed(Subject subject, int attempt, String failure, boolean willRetry)
      implements AuditEvent {
    public StopPlacementFailed {
      Objects.requireNonNull(subject, "subject");
      text(failure, "failure");
    }

    public String type() {
      return "STOP_PLACEMENT_FAILED";
    }

    public Severity severity() {
      return willRetry ? Severity.WARNING : Severity.ERROR;
    }

    public Map<String, String> payload() {
      return Payload.with()
          .put("attempt", attempt)
          .put("failure", failure)
          .put("willRetry", willRetry)
          .build();
    }
  }

  /** The exchange stop was moved (written with the stop's record on the row). */
  record StopMoved(
      Subject subject,
      ClientOrderId fromStop,
      ClientOrderId toStop,
      BigDecimal fromTrigger,
      BigDecimal toTrigger)
      implements AuditEvent {
    public StopMoved {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(fromStop, "fromStop");
      Objects.requireNonNull(toStop, "toStop");
      positive(fromTrigger, "fromTrigger");
      positive(toTrigger, "toTrigger");
    }

    public String type() {
      return "STOP_MOVED";
    }

    public Severity severity() {
      return Severity.INFO;
    }

    public Map<String, String> payload() {
      return Payload.with()
          .put("fromStop", fromStop)
          .put("toStop", toStop)
          .put("fromTrigger", fromTrigger)
          .put("toTrigger", toTrigger)
          .build();
    }
  }

  // ------------------------------------------------------------------ trailing

  /** A trailing stop was started for a position, or restored for it at startup. */
  record TrailingStarted(
      Subject subject, BigDecimal activationPrice, BigDecimal callbackRate, String origin)
      implements AuditEvent {
    public TrailingStarted {
      Objects.requireNonNull(subject, "subject");
      positive(activationPrice, "activationPrice");
      positive(callbackRate, "callbackRate");
      text(origin, "origin");
    }

    public String type() {
      return "TRAILING_STARTED";
    }

    public Severity severity() {
      return Severity.INFO;
    }

    public Map<String, String> payload() {
      return Payload.with()
          .put("activationPrice", activationPrice)
          .put("callbackRate", callbackRate)
          .put("origin", origin)
          .build();
    }
  }

  /** The trailing stop's activation price was reached. */
  record TrailingActivated(Subject subject, BigDecimal peak, BigDecimal stop)
      implements AuditEvent {
    public TrailingActivated {
      Objects.requireNonNull(subject, "subject");
      positive(peak, "peak");
      positive(stop, "stop");
    }

    public String type() {
      return "TRAILING_ACTIVATED";
    }

    public Severity severity() {
      return Severity.INFO;
    }

    public Map<String, String> payload() {
      return Payload.with().put("peak", peak).put("stop", stop).build();
    }
  }

  /**
   * The price crossed a trailing stop's level while the venue's stop was looser: what is done about
   * it ({@code action}).
   */
  record TrailingTriggered(
      Subject subject, BigDecimal price, BigDecimal level, BigDecimal venueStop, String action)
      implements AuditEvent {
    public TrailingTriggered {
      Objects.requireNonNull(subject, "subject");
      positive(price, "price");
      positive(level, "level");
      positive(venueStop, "venueStop");
      text(action, "action");
    }

    public String type() {
      return "TRAILING_TRIGGERED";
    }

    public Severity severity() {
      return Severity.WARNING;
    }

    public Map<String, String> payload() {
      return Payload.with()
          .put("price", price)
          .put("level", level)
          .put("venueStop", venueStop)
          .put("action", action)
          .build();
    }
  }

  /** A stored trailing state could not be used at restore and a fresh one was created. */
  record TrailingReset(Subject subject, String reason) implements AuditEvent {
    public TrailingReset {
      Objects.requireNonNull(subject, "subject");
      text(reason, "reason");
    }

    public String type() {
      return "TRAILING_RESET";
    }

    public Severity severity() {
      return Severity.WARNING;
    }

    public Map<String, String> payload() {
      return Payload.with().put("reason", reason).build();
    }
  }

  // ------------------------------------------------------------------ life of a position

  /** The exchange's fills changed a stored position's side, size or entry. */
  record PositionUpdated(
      Subject subject, PositionSide side, BigDecimal quantity, BigDecimal entryPrice, String source)
      implements AuditEvent {
    public PositionUpdated {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(side, "side");
      Objects.requireNonNull(quantity, "quantity");
      Objects.requireNonNull(entryPrice, "entryPrice");
      text(source, "source");
    }

    public String type() {
      return "POSITION_UPDATED";
    }

    public Severity severity() {
      return Severity.INFO;
    }

    public Map<String, String> payload() {
      return Payload.with()
          .put("side", side)
          .put("quantity", quantity)
          .put("entryPrice", entryPrice)
          .put("source", source)
          .build();
    }
  }

  /** A close order is on its way. */
  record PositionClosing(Subject subject, CloseReason reason, ClientOrderId closeOrderId)
      implements AuditEvent {
    public PositionClosing {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(closeOrderId, "closeOrderId");
    }

    public String type() {
      return "POSITION_CLOSING";
    }

    public Severity severity() {
      return Severity.INFO;
    }

    public Map<String, String> payload() {
      return Payload.with().put("reason", reason).put("closeOrderId", closeOrderId).build();
    }
  }

  /** The position is closed (written with the row's close). */
  record PositionClosed(
      Subject subject,
      CloseReason reason,
      Optional<BigDecimal> exitPrice,
      Optional<BigDecimal> realizedPnl)
      implements AuditEvent {
    public PositionClosed {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(exitPrice, "exitPrice");
      Objects.requireNonNull(realizedPnl, "realizedPnl");
    }

    /** A close whose exit the venue reported. */
    public PositionClosed(
        Subject subject, CloseReason reason, BigDecimal exitPrice, BigDecimal realizedPnl) {
      this(subject, reason, Optional.of(exitPrice), Optional.of(realizedPnl));
    }

    public String type() {
      return "POSITION_CLOSED";
    }

    public Severity severity() {
      return switch (reason) {
        case STOP_LOSS, TRAILING_STOP, MANUAL -> Severity.INFO;
        case EMERGENCY, PHANTOM, POLICY_CLOSE, EXTERNAL -> Severity.WARNING;
      };
    }

    public Map<String, String> payload() {
      return Payload.with()
          .put("reason", reason)
          .put("exitPrice", exitPrice.map(BigDecimal::toPlainString).orElse("unknown"))
          .put("realizedPnl", realizedPnl.map(BigDecimal::toPlainString).orElse("unknown"))
          .build();
    }
  }

  /** A position that could not be protected was closed at market, or the attempt failed. */
  record EmergencyClose(Subject subject, String reason, boolean succeeded, String detail)
      implements AuditEvent {
    public EmergencyClose {
      Objects.requireNonNull(subject, "subject");
      text(reason, "reason");
      text(detail, "detail");
    }

    public String type() {
      return "EMERGENCY_CLOSE";
    }

    public Severity severity() {
      return succeeded ? Severity.ERROR : Severity.CRITICAL;
    }

    public Map<String, String> payload() {
      return Payload.with()
          .put("reason", reason)
          .put("succeeded", succeeded)
          .put("detail", detail)
          .build();
    }
  }

  /** One step of undoing a failed opening. */
  record RollbackStep(Subject subject, String step, boolean succeeded, String detail)
      implements AuditEvent {
    public RollbackStep {
      Objects.requireNonNull(subject, "subject");
      text(step, "step");
      text(detail, "detail");
    }

    public String type() {
      return "ROLLBACK_STEP";
    }

    public Severity severity() {
      return succeeded ? Severity.WARNING : Severity.CRITICAL;
    }

    public Map<String, String> payload() {
      return Payload.with()
          .put("step", step)
          .put("succeeded", succeeded)
          .put("detail", detail)
          .build();
    }
  }

  /** A failed opening's row was marked rolled back (written with the row). */
  record RolledBack(Subject subject, String reason) implements AuditEvent {
    public RolledBack {
      Objects.requireNonNull(subject, "subject");
      text(reason, "reason");
    }

    public String type() {
      return "POSITION_ROLLED_BACK";
    }

    public Severity severity() {
      return Severity.WARNING;
    }

    public Map<String, String> payload() {
      return Payload.with().put("reason", reason).build();
    }
  }

  /**
   * A stop of ours cancelled because its position ended: the venue keeps a close-position stop
   * after the position is closed by hand or liquidated, and left there it would close the next
   * position on the symbol.
   */
  record StopCancelled(Subject subject, ClientOrderId stopId, String reason) implements AuditEvent {
    public StopCancelled {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(stopId, "stopId");
      text(reason, "reason");
    }

    public String type() {
      return "STOP_CANCELLED";
    }

    public Severity severity() {
      return Severity.INFO;
    }

    public Map<String, String> payload() {
      return Payload.with().put("stopId", stopId.value()).put("reason", reason).build();
    }
  }

  // ------------------------------------------------------------------ reconciliation

  /** A pending registration outlived its deadline and left the book. */
  record PendingExpired(Subject subject, Duration age) implements AuditEvent {
    public PendingExpired {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(age, "age");
    }

    public String type() {
      return "PENDING_EXPIRED";
    }

    public Severity severity() {
      return Severity.WARNING;
    }

    public Map<String, String> payload() {
      return Payload.with().put("ageMs", age.toMillis()).build();
    }
  }

  /** A position found on the exchange without a row was adopted (written with the new row). */
  record PositionAdopted(
      Subject subject,
      PositionSide side,
      BigDecimal quantity,
      BigDecimal entryPrice,
      ExchangeOrderId exchangeOrderId)
      implements AuditEvent {
    public PositionAdopted {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(side, "side");
      positive(quantity, "quantity");
      positive(entryPrice, "entryPrice");
      Objects.requireNonNull(exchangeOrderId, "exchangeOrderId");
    }

    public String type() {
      return "POSITION_ADOPTED";
    }

    public Severity severity() {
      return Severity.WARNING;
    }

    public Map<String, String> payload() {
      return Payload.with()
          .put("side", side)
          .put("quantity", quantity)
          .put("entryPrice", entryPrice)
          .put("exchangeOrderId", exchangeOrderId)
          .build();
    }
  }

  /** A position found on the exchange without a row was left alone or could not be adopted. */
  record MissingPositionFound(
      Subject subject, PositionSide side, BigDecimal quantity, String policy, String detail)
      implements AuditEvent {
    public MissingPositionFound {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(side, "side");
      positive(quantity, "quantity");
      text(policy, "policy");
      text(detail, "detail");
    }

    public String type() {
      return "MISSING_POSITION_FOUND";
    }

    public Severity severity() {
      return Severity.WARNING;
    }

    public Map<String, String> payload() {
      return Payload.with()
          .put("side", side)
          .put("quantity", quantity)
          .put("policy", policy)
          .put("detail", detail)
          .build();
    }
  }

  // ------------------------------------------------------------------ errors

  /** An audit event could not be built or handed over; {@code error} says why. */
  record AuditFailed(Subject subject, String error) implements AuditEvent {
    public AuditFailed {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(error, "error");
      error = error.isBlank() ? "(no message)" : error;
    }

    public String type() {
      return "AUDIT_FAILED";
    }

    public Severity severity() {
      return Severity.ERROR;
    }

    public Map<String, String> payload() {
      return Payload.with().put("error", error).build();
    }
  }

  /** An operation failed in a way a person should look at. */
  record OperationFailed(Subject subject, String operation, String detail, Severity severity)
      implements AuditEvent {
    public OperationFailed {
      Objects.requireNonNull(subject, "subject");
      text(operation, "operation");
      text(detail, "detail");
      Objects.requireNonNull(severity, "severity");
    }

    public String type() {
      return "OPERATION_FAILED";
    }

    public Map<String, String> payload() {
      return Payload.with().put("operation", operation).put("detail", detail).build();
    }
  }
}
