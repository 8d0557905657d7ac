package io.positionkeeper.domain.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.open.OpenIntent;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.domain.trailing.TrailingParams;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.SizeUnit;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DBRUSDT in the bot this project replaces (Bybit, 2025-10-24): pre-registered at 01:06:31, the
 * order failed at 01:06:34, rolled back at 01:07:01, then the phantom cleanup at 01:07:02 wrote the
 * pending position as an id ("pending") to the store and the event log; the batch that carried the
 * event failed at 01:09:42 and every event in it was lost.
 *
 * <p>The journal here refuses, as the real table does, any event whose position id has no row (the
 * foreign key the 'pending' text broke as a type error), so a leaked id would fail a batch.
 */
class DbrusdtReconcileTest {
  private static final Symbol DBR = Symbol.of("DBRUSDT");

  @TempDir Path dir;
  private ReconcileFixture f;

  @BeforeEach
  void venue() {
    f = new ReconcileFixture(dir, Exchange.BYBIT);
    f.instrument(DBR, "0.000001", "1", "0.012345");
    f.journal.rejectWhen(
        r -> r.positionId().isPresent() && f.store.find(r.positionId().getAsLong()).isEmpty(),
        "insert or update on table \"events\" violates foreign key constraint"
            + " \"events_position_id_fkey\"");
  }

  @AfterEach
  void close() {
    f.close();
  }

  private void assertNoBatchFailed() {
    f.writer.flush();
    assertThat(f.deadLetters.letters()).isEmpty();
    assertThat(f.writer.stats().journalFailures()).isZero();
    assertThat(f.writer.stats().pending()).isZero();
  }

  @Test
  void preRegister_failedOrder_rollback_sync_noIdWritten_eventsKeyed_noBatchFails() {
    f.exchange
        .faults()
        .failNext(
            FakeExchange.Op.PLACE_ORDER, new RejectedException("170131", "Insufficient balance."));

    OpenResult opened =
        f.opener.open(
            new OpenIntent(
                Exchange.BYBIT,
                DBR,
                PositionSide.LONG,
                new BigDecimal("50"),
                SizeUnit.QUOTE,
                new BigDecimal("2"),
                new TrailingParams(new BigDecimal("1.5"), new BigDecimal("0.5")),
                Optional.of("signal-dbr"),
                "dbr-2025-10-24"));
    f.clock.advance(Duration.ofSeconds(31)); // 01:06:31 → 01:07:02, the periodic sync
    var result = f.reconciler().reconcile();
    f.clock.advance(Duration.ofSeconds(160)); // → 01:09:42, when the batch failed

    assertThat(opened).isInstanceOf(OpenResult.Failed.class);
    assertThat(result)
        .isInstanceOfSatisfying(
            ReconcileResult.Completed.class, c -> assertThat(c.actions()).isEmpty());
    assertThat(f.store.writes()).isEmpty(); // no store call with an id, ever
    assertThat(f.book.all()).isEmpty();
    String key = f.trail().getFirst().correlationKey();
    assertThat(f.journal.recordsWithKey(key))
        .extracting(AuditRecord::type)
        .containsExactly("POSITION_PRE_REGISTERED", "ENTRY_ORDER_FAILED", "ROLLBACK_STEP");
    assertThat(f.journal.records()).allSatisfy(r -> assertThat(r.positionId()).isEmpty());
    assertNoBatchFailed();
  }

  /**
   * The old bug's situation: the registration outlives its opening (the opener's thread died, a
   * rollback never ran). The sync neither closes it as a phantom nor writes it anywhere with an id:
   * past the deadline it leaves the book, with an event keyed by its client order id.
   */
  @Test
  void aPreRegistrationLeftBehind_expiresFromTheBook_withoutAnyStoreCall_andItsEventIsWritten() {
    var pending =
        f.book.preRegister(
            f.key(DBR), PositionSide.LONG, ClientOrderId.of("pko-dbr-2025-10-24-0106"));
    Reconciler reconciler = f.reconciler();

    f.clock.advance(Duration.ofSeconds(31));
    var early = (ReconcileResult.Completed) reconciler.reconcile();
    f.clock.advance(Duration.ofSeconds(160));
    var late = (ReconcileResult.Completed) reconciler.reconcile();

    assertThat(early.actions()).isEmpty(); // young: neither a phantom nor expired
    assertThat(late.count(ReconcileAction.ExpirePending.class, ActionOutcome.Status.APPLIED))
        .isEqualTo(1);
    assertThat(f.book.all()).isEmpty();
    assertThat(f.store.writes()).isEmpty();
    assertThat(f.journal.records()).isEmpty(); // still queued in the writer, not lost
    assertNoBatchFailed();
    assertThat(f.journal.recordsWithKey(pending.id().correlationKey()))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.type()).isEqualTo("PENDING_EXPIRED");
              assertThat(r.positionId()).isEmpty();
              assertThat(r.symbol()).contains(DBR);
            });
  }
}
