package io.positionkeeper.ports.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.ports.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManualClockTest {

  @Test
  void advance_runsDueTasksInTimeOrder_eachAtItsOwnInstant() {
    ManualClock clock = ManualClock.atDefaultStart();
    Instant start = clock.now();
    List<String> seen = new ArrayList<>();
    clock.schedule(
        Duration.ofMillis(30),
        () -> seen.add("b@" + Duration.between(start, clock.now()).toMillis()));
    clock.schedule(
        Duration.ofMillis(10),
        () -> seen.add("a@" + Duration.between(start, clock.now()).toMillis()));
    clock.schedule(Duration.ofMillis(90), () -> seen.add("late"));

    clock.advance(Duration.ofMillis(50));

    assertThat(seen).containsExactly("a@10", "b@30");
    assertThat(clock.now()).isEqualTo(start.plusMillis(50));
  }

  @Test
  void cancelledTask_neverRuns_whileTheOthersDo() {
    ManualClock clock = ManualClock.atDefaultStart();
    List<String> seen = new ArrayList<>();
    Clock.Scheduled cancelled = clock.schedule(Duration.ofMillis(10), () -> seen.add("cancelled"));
    clock.schedule(Duration.ofMillis(20), () -> seen.add("kept"));

    cancelled.cancel();
    clock.advance(Duration.ofMillis(50));

    assertThat(seen).containsExactly("kept");
  }

  @Test
  void cancellingATaskThatRanOrWasCancelled_isANoOp() {
    ManualClock clock = ManualClock.atDefaultStart();
    List<String> seen = new ArrayList<>();
    Clock.Scheduled ran = clock.schedule(Duration.ofMillis(10), () -> seen.add("ran"));
    Clock.Scheduled cancelled = clock.schedule(Duration.ofMillis(10), () -> seen.add("cancelled"));
    cancelled.cancel();
    clock.advance(Duration.ofMillis(10));

    ran.cancel();
    cancelled.cancel();
    clock.advance(Duration.ofMillis(10));

    assertThat(seen).containsExactly("ran");
  }

  @Test
  void taskCancelledByAnEarlierTaskOfTheSameAdvance_neverRuns() {
    ManualClock clock = ManualClock.atDefaultStart();
    List<String> seen = new ArrayList<>();
    Clock.Scheduled later = clock.schedule(Duration.ofMillis(20), () -> seen.add("later"));
    clock.schedule(
        Duration.ofMillis(10),
        () -> {
          seen.add("earlier");
          later.cancel();
        });

    clock.advance(Duration.ofMillis(50));

    assertThat(seen).containsExactly("earlier");
  }

  @Test
  void sleep_advancesInsteadOfWaiting_andIsCounted() {
    ManualClock clock = ManualClock.atDefaultStart();
    Instant start = clock.now();

    clock.sleep(Duration.ofSeconds(10));

    assertThat(clock.now()).isEqualTo(start.plusSeconds(10));
    assertThat(clock.sleepCount()).isEqualTo(1);
  }

  @Test
  void aTaskThatWaitsPastTheTarget_leavesTheClockThere_neverBack() {
    // A scheduled job that sleeps (a reconciliation waiting out a confirmation read) runs inside
    // someone else's short wait: afterwards the clock must not return to that wait's end, or an
    // event stamped during the job would look like it happened after later ones.
    ManualClock clock = ManualClock.atDefaultStart();
    Instant start = clock.now();
    List<Instant> seen = new ArrayList<>();
    clock.schedule(Duration.ofMillis(100), () -> clock.sleep(Duration.ofSeconds(2)));
    clock.schedule(Duration.ofMillis(1_500), () -> seen.add(clock.now()));

    clock.sleep(Duration.ofMillis(350));
    Instant afterTheWait = clock.now();
    seen.add(afterTheWait);

    assertThat(afterTheWait).isEqualTo(start.plusMillis(2_100));
    assertThat(seen).isSorted();
  }

  @Test
  void goingBack_isRefused() {
    assertThatThrownBy(() -> ManualClock.atDefaultStart().advance(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
