package io.positionkeeper.domain.sim;

import static io.positionkeeper.domain.Harness.BTC;
import static io.positionkeeper.domain.Harness.intent;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.ports.PersistenceException;
import io.positionkeeper.ports.fake.InMemoryPositionStore;
import io.positionkeeper.ports.model.PositionSide;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * I3 waits for the venue to be quiet: a step that changed the venue (a mark that fired a stop, a
 * stop the keeper moved) starts the quiet period again, because the keeper may still be catching up
 * through its own retries. The check must still catch a row the keeper never catches up on.
 */
class QuietPeriodCheckTest {

  @Test
  void aRowLeftOpenAfterItsPositionClosed_isCaughtOnceTheVenueWasQuietForThePeriod() {
    SimWorld w = new SimWorld();
    Invariants invariants = new Invariants(w);
    assertThat(w.keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1")))
        .isInstanceOf(OpenResult.Opened.class);
    // The store never takes the close: the row stays ACTIVE while the venue is flat.
    w.store
        .faults()
        .failAlways(InMemoryPositionStore.Op.CLOSE, new PersistenceException("store down"));
    w.exchange.closeExternally(BTC);
    invariants.notQuiet();

    Optional<Violation> early = Optional.empty();
    for (int step = 0; step < 20 && early.isEmpty(); step++) {
      w.clock.advance(Duration.ofSeconds(10));
      early = invariants.check(step);
    }
    assertThat(early).as("the keeper's retries still have their time").isEmpty();

    w.clock.advance(Invariants.QUIET);
    assertThat(invariants.check(21))
        .hasValueSatisfying(
            v -> assertThat(v.kind()).isEqualTo(Violation.Kind.I3_ROW_WITHOUT_POSITION));
  }
}
