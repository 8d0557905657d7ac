package io.positionkeeper.domain.trailing;

import static io.positionkeeper.domain.trailing.TrailingFixture.SYM;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.stream.ConnectionMonitor;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.model.ConnectionState;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.StreamEvent;
import java.math.BigDecimal;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrailingHealthCheckTest {
  private final TrailingFixture f =
      new TrailingFixture(PositionSide.LONG, "100", "1", "1", TrailingPolicy.standard());
  private final ConnectionMonitor monitor = new ConnectionMonitor(Exchange.BINANCE);
  private final TrailingHealthCheck check =
      new TrailingHealthCheck(f.exchange, monitor, f.manager, f.audit);

  private void ready() {
    monitor.onEvent(
        new StreamEvent.ConnectionChanged(ConnectionState.RESYNCED, "resynced", f.clock.now()));
  }

  @Test
  void aPositionAbsentFromTwoCompleteSnapshots_losesItsTrailingState() {
    ready();
    f.exchange.closeExternally(SYM);

    var first = (TrailingHealthCheck.Outcome.Compared) check.check();
    assertThat(first.suspected()).containsExactly(f.positionId);
    assertThat(f.manager.stateOf(f.positionId)).isPresent();
    var second = (TrailingHealthCheck.Outcome.Compared) check.check();

    assertThat(second.removed()).containsExactly(f.positionId);
    assertThat(f.manager.stateOf(f.positionId)).isEmpty();
    assertThat(f.store.find(f.positionId)).isEmpty();
  }

  @Test
  void aPositionBackOnTheSecondSnapshot_keepsItsState() {
    ready();
    f.exchange.nextSnapshotIncomplete("page 2 missing"); // an incomplete answer: not counted
    check.check();
    f.exchange.closeExternally(SYM);
    check.check();
    f.exchange.seedPosition(SYM, BigDecimal.TEN, new BigDecimal("100"), Optional.empty());

    var again = (TrailingHealthCheck.Outcome.Compared) check.check();

    assertThat(again.removed()).isEmpty();
    assertThat(f.manager.stateOf(f.positionId)).isPresent();
  }

  @Test
  void errorsAndIncompleteAnswers_neverRemoveAnything() {
    ready();
    f.exchange.closeExternally(SYM);
    f.exchange.faults().failNext(FakeExchange.Op.POSITIONS, new RetryableException("timeout"));
    var failed = check.check();
    f.exchange.nextSnapshotIncomplete("partial");
    var incomplete = check.check();

    assertThat(failed).isInstanceOf(TrailingHealthCheck.Outcome.Untrusted.class);
    assertThat(incomplete).isInstanceOf(TrailingHealthCheck.Outcome.Untrusted.class);
    assertThat(f.manager.stateOf(f.positionId)).isPresent();
    assertThat(f.store.deleteCount()).isZero();
  }

  @Test
  void aDisconnectWhileReading_makesTheAnswerUntrusted() {
    ready();
    f.exchange.closeExternally(SYM);
    check.check();
    f.exchange.faults().delay(FakeExchange.Op.POSITIONS, java.time.Duration.ofMillis(100));
    f.clock.schedule(
        java.time.Duration.ofMillis(50),
        () -> {
          monitor.onEvent(
              new StreamEvent.ConnectionChanged(
                  ConnectionState.DISCONNECTED, "drop", f.clock.now()));
          monitor.onEvent(
              new StreamEvent.ConnectionChanged(ConnectionState.RESYNCED, "back", f.clock.now()));
        });

    var outcome = check.check();

    assertThat(outcome).isInstanceOf(TrailingHealthCheck.Outcome.Untrusted.class);
    assertThat(f.manager.stateOf(f.positionId)).isPresent();
  }
}
