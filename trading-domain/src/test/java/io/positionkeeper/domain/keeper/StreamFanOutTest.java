package io.positionkeeper.domain.keeper;

import static io.positionkeeper.domain.Harness.BTC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.positionkeeper.domain.audit.AuditTrail;
import io.positionkeeper.ports.fake.InMemoryAuditJournal;
import io.positionkeeper.ports.fake.ManualClock;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.StreamEvent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One listener's failure never keeps a later listener (the protection watch is the last) from
 * seeing the event, and the failure is neither swallowed nor lost from the trail.
 */
class StreamFanOutTest {

  private final ManualClock clock = ManualClock.atDefaultStart();
  private final InMemoryAuditJournal journal = new InMemoryAuditJournal();
  private final AuditTrail audit = new AuditTrail(clock, record -> journal.append(List.of(record)));

  @Test
  void aListenerThatThrows_doesNotHideTheEventFromTheLaterOnes_andItsFailureIsThrownAndRecorded() {
    List<String> seen = new ArrayList<>();
    StreamFanOut fanOut =
        new StreamFanOut(
            Exchange.BINANCE,
            audit,
            List.of(
                new StreamFanOut.Named(
                    "position tracker",
                    e -> {
                      seen.add("tracker");
                      throw new IllegalStateException("the flat could not be confirmed");
                    }),
                new StreamFanOut.Named(
                    "trailing stops",
                    e -> {
                      seen.add("trailing");
                      throw new IllegalArgumentException("a second failure");
                    }),
                new StreamFanOut.Named("protection watch", e -> seen.add("watch"))));

    Throwable thrown =
        catchThrowable(
            () ->
                fanOut.onEvent(
                    new StreamEvent.PositionChanged(
                        BTC, BigDecimal.ZERO, BigDecimal.ZERO, clock.now())));

    assertThat(seen).containsExactly("tracker", "trailing", "watch");
    assertThat(thrown)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the flat could not be confirmed");
    assertThat(thrown.getSuppressed()).hasSize(1);
    assertThat(journal.records())
        .filteredOn(r -> r.type().equals("OPERATION_FAILED"))
        .extracting(AuditRecord::payload)
        .extracting(p -> p.get("operation"))
        .containsExactly("stream.position-tracker", "stream.trailing-stops");
  }
}
