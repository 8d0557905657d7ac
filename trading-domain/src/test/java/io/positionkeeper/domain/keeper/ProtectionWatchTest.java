package io.positionkeeper.domain.keeper;

import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.position.PositionBook;
import io.positionkeeper.domain.tracking.OwnExits;
import io.positionkeeper.ports.fake.ManualClock;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.StreamEvent;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When the protection watch owes a reconciliation before the periodic one. */
class ProtectionWatchTest {
  private final ManualClock clock = ManualClock.atDefaultStart();
  private final ProtectionWatch watch =
      new ProtectionWatch(Exchange.BINANCE, new PositionBook(clock, new OwnExits()));

  @Test
  void withoutNews_noRunIsOwed() {
    assertThat(watch.due(clock.now())).isFalse();
  }

  /**
   * A periodic run found a position without a stop and left its re-protection to a close being
   * sent; the stream had no news of it. If that close is refused, only a run owed by the deferral
   * itself re-protects the position before the next period.
   */
  @Test
  void aRunThatDeferredARepair_owesAnotherATickLater_evenWithoutNews() {
    Instant now = clock.now();
    watch.deferred(now);

    assertThat(watch.due(now)).isFalse();
    assertThat(watch.due(now.plus(Duration.ofSeconds(1)))).isTrue();
  }

  @Test
  void aRunThatLeftARepairUndone_owesAnotherAfterItsWait_evenWithoutNews() {
    Instant now = clock.now();
    watch.unrepaired(now);

    assertThat(watch.due(now.plus(Duration.ofSeconds(1)))).isTrue();
    watch.reconciled(watch.mark());
    assertThat(watch.due(now.plus(Duration.ofSeconds(2)))).isFalse();
  }

  /**
   * Failed runs built a wait of 16 s; a position the book does not hold then appears. That is news
   * no run has seen, and it is owed at the next tick; the same position updated again, while the
   * run for it keeps failing, is not new and leaves the wait to grow.
   */
  @Test
  void freshNewsEndsTheWaitThatFailedRunsBuilt_theSameNewsAgainDoesNot() {
    Instant now = clock.now();
    for (int i = 0; i < 5; i++) {
      watch.unsettled(now);
    }
    assertThat(watch.due(now.plus(Duration.ofSeconds(1)))).isFalse();
    var untracked =
        new StreamEvent.PositionChanged(
            Symbol.of("SKLUSDT"), new BigDecimal("100"), new BigDecimal("0.04"), now);

    watch.onEvent(untracked);
    assertThat(watch.due(now)).isTrue();

    for (int i = 0; i < 5; i++) {
      watch.unsettled(now);
    }
    watch.onEvent(untracked);
    assertThat(watch.due(now.plus(Duration.ofSeconds(1)))).isFalse();
    assertThat(watch.due(now.plus(Duration.ofSeconds(16)))).isTrue();
  }
}
