package io.positionkeeper.domain.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.ports.fake.ManualClock;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.Symbol;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * A record the journal could not keep is refused where it is made, and the fallback never fails.
 */
class AuditTrailFallbackTest {
  private final ManualClock clock = ManualClock.atDefaultStart();
  private final List<AuditRecord> submitted = new ArrayList<>();
  private final AuditTrail trail = new AuditTrail(clock, submitted::add);

  @Test
  void aCorrelationKeyTooLongForTheJournal_recordsAnAuditFailedWithAFittedKey_neverThrows() {
    String venueId = "9".repeat(5_000);
    Subject subject =
        new Subject(
            Exchange.BINANCE,
            Optional.of(Symbol.of("BTCUSDT")),
            OptionalLong.empty(),
            "adopt-" + venueId);

    trail.record(subject, () -> new AuditEvent.AuditFailed(subject, "any"));

    assertThat(submitted)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.type()).isEqualTo("AUDIT_FAILED");
              assertThat(r.correlationKey())
                  .startsWith("adopt-999")
                  .hasSizeLessThanOrEqualTo(AuditRecord.MAX_CORRELATION_KEY);
              assertThat(r.payload().get("error")).contains("correlationKey must be at most");
            });
  }
}
