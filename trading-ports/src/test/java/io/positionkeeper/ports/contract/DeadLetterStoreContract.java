package io.positionkeeper.ports.contract;

import static io.positionkeeper.ports.contract.ContractData.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.ports.DeadLetterStore;
import io.positionkeeper.ports.model.AuditRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What every {@link DeadLetterStore} promises. */
public abstract class DeadLetterStoreContract {

  protected abstract DeadLetterStore store();

  protected abstract List<StoredDeadLetter> storedDeadLetters();

  @Test
  void deadLetter_keepsTheRecordWithItsReason() {
    AuditRecord refused = event("POSITION_ERROR");

    store().deadLetter(refused, "value too long for type character varying(64)");

    assertThat(storedDeadLetters())
        .containsExactly(
            new StoredDeadLetter(
                refused.eventId(), "value too long for type character varying(64)"));
  }
}
