package io.positionkeeper.domain.keeper;

import static io.positionkeeper.domain.Harness.BTC;
import static io.positionkeeper.domain.Harness.intent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.positionkeeper.domain.Harness;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.ForwardingGateway;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionSnapshot;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Each of the keeper's stream listeners sees each event whatever an earlier one throws. The book's
 * handling of a flat (confirming it with the venue, recording the close) once threw past the
 * listeners after it: the protection watch never heard of the flat, and the row and its stop, which
 * on Binance outlives the position and would close the next one, stayed until the periodic
 * reconciliation a minute later.
 */
class ListenerIsolationScenariosTest {

  /** The venue's position list cannot be read (a driver or parse bug) while {@code broken}. */
  private static final class PositionsThrow extends ForwardingGateway {
    private final AtomicBoolean broken;

    PositionsThrow(ExchangeGateway venue, AtomicBoolean broken) {
      super(venue);
      this.broken = broken;
    }

    @Override
    public PositionSnapshot positions() {
      if (broken.get()) {
        throw new IllegalStateException("the position list could not be parsed");
      }
      return venue().positions();
    }
  }

  @Test
  void aFlatWhoseConfirmationThrows_stillReachesTheProtectionWatch_andIsSettledWithinSeconds() {
    Harness raw = new Harness();
    AtomicBoolean broken = new AtomicBoolean();
    Keeper keeper =
        Keeper.builder(raw.clock, raw.store, raw.trailingStore)
            .venue(new PositionsThrow(raw.exchange, broken), raw.exchange)
            .audit(raw.sink)
            .io(Runnable::run)
            .build();
    raw.keeper.stop();
    keeper.start();
    assertThat(keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1")))
        .isInstanceOf(OpenResult.Opened.class);
    raw.clock.advance(Duration.ofSeconds(1));

    broken.set(true);
    // Closed by hand on the venue: the book asks the venue to confirm the flat, and that throws.
    Throwable thrown = catchThrowable(() -> raw.exchange.closeExternally(BTC));
    broken.set(false);
    raw.clock.advance(Duration.ofSeconds(5));

    // The protection watch still heard of the flat: the row is closed and the stop cancelled
    // within seconds, not at the reconciliation a minute after the start.
    assertThat(raw.store.loadOpen()).isEmpty();
    assertThat(raw.exchange.workingStops(BTC)).isEmpty();
    // The closer now takes an unreadable list as "the venue did not say" (logged) and leaves the
    // decision to reconciliation; a listener that still throws is isolated by StreamFanOut, whose
    // own test shows the failure thrown again and recorded (StreamFanOutTest).
    assertThat(thrown).isNull();
  }
}
