package io.positionkeeper.ports.contract;

import static io.positionkeeper.ports.contract.ContractData.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.ports.AuditJournal;
import io.positionkeeper.ports.model.AuditRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** What every {@link AuditJournal} promises. */
public abstract class AuditJournalContract {

  protected abstract AuditJournal journal();

  /** Every stored record, in the order it was stored. */
  protected abstract List<AuditRecord> storedRecords();

  @Test
  void append_storesEveryRecordOfTheBatch_inOrder_withItsFields() {
    List<AuditRecord> batch = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      batch.add(event("STOP_MOVED"));
    }

    journal().append(batch);

    assertThat(storedRecords())
        .extracting(AuditRecord::eventId)
        .containsExactlyElementsOf(batch.stream().map(AuditRecord::eventId).toList());
    AuditRecord first = storedRecords().get(0);
    assertThat(first.payload()).containsEntry("note", "quote \" and unicode ⓈÜ");
    assertThat(first.time()).isEqualTo(batch.get(0).time());
    assertThat(first.symbol()).isEqualTo(batch.get(0).symbol());
    assertThat(first.severity()).isEqualTo(batch.get(0).severity());
  }

  @Test
  void append_ofRecordsAlreadyStored_storesThemOnce() {
    AuditRecord a = event("STOP_PLACED");
    AuditRecord b = event("STOP_MOVED");
    journal().append(List.of(a));

    journal().append(List.of(a, b));
    journal().append(List.of(b, a));

    assertThat(storedRecords())
        .extracting(AuditRecord::eventId)
        .containsExactly(a.eventId(), b.eventId());
  }

  @Test
  void anEventAboutAPendingPosition_isStoredWithoutAnIdButWithItsCorrelationKey() {
    AuditRecord pending = event("ORDER_REJECTED", OptionalLong.empty(), "pk-dbrusdt-1");

    journal().append(List.of(pending));

    assertThat(storedRecords())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.positionId()).isEmpty();
              assertThat(r.correlationKey()).isEqualTo("pk-dbrusdt-1");
            });
  }

  @Test
  void append_ofAnEmptyBatch_storesNothing() {
    journal().append(List.of());

    assertThat(storedRecords()).isEmpty();
  }
}
