package io.positionkeeper.ports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SystemClockTest {
  private static final long AWAIT_SECONDS = 10;

  private final Clock clock = Clock.system();

  @Test
  void schedule_runsTheTaskOnceAfterItsDelay_onADaemonSchedulerThread() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    CountDownLatch laterTaskRan = new CountDownLatch(1);
    Duration delay = Duration.ofMillis(40);
    long scheduledAt = System.nanoTime();
    AtomicReference<Long> ranAfterNanos = new AtomicReference<>();

    clock.schedule(
        delay,
        () -> {
          ranAfterNanos.set(System.nanoTime() - scheduledAt);
          ranOn.set(Thread.currentThread());
          runs.incrementAndGet();
        });
    clock.schedule(delay.multipliedBy(3), laterTaskRan::countDown);

    assertThat(laterTaskRan.await(AWAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(runs).hasValue(1);
    assertThat(ranAfterNanos.get()).isGreaterThanOrEqualTo(delay.toNanos());
    assertThat(ranOn.get()).isNotSameAs(Thread.currentThread());
    assertThat(ranOn.get().isDaemon()).isTrue();
  }

  @Test
  void cancelledTask_neverRuns_whileALaterTaskDoes() throws Exception {
    AtomicInteger cancelledRuns = new AtomicInteger();
    CountDownLatch laterTaskRan = new CountDownLatch(1);

    Clock.Scheduled cancelled =
        clock.schedule(Duration.ofMillis(30), cancelledRuns::incrementAndGet);
    clock.schedule(Duration.ofMillis(150), laterTaskRan::countDown);
    cancelled.cancel();

    assertThat(laterTaskRan.await(AWAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(cancelledRuns).hasValue(0);
  }

  @Test
  void cancellingATaskThatRanOrWasCancelled_isANoOp() throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    Clock.Scheduled done = clock.schedule(Duration.ZERO, ran::countDown);
    assertThat(ran.await(AWAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    Clock.Scheduled cancelled = clock.schedule(Duration.ofHours(1), () -> {});
    cancelled.cancel();

    done.cancel();
    cancelled.cancel();

    assertThat(ran.getCount()).isZero();
  }

  @Test
  void taskThatThrows_isReportedToTheUncaughtExceptionHandler_andLaterTasksStillRun()
      throws Exception {
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    List<Throwable> reported = new CopyOnWriteArrayList<>();
    IllegalStateException boom = new IllegalStateException("task failed");
    CountDownLatch laterTaskRan = new CountDownLatch(1);
    Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> reported.add(failure));
    try {
      clock.schedule(
          Duration.ofMillis(10),
          () -> {
            throw boom;
          });
      clock.schedule(Duration.ofMillis(60), laterTaskRan::countDown);

      assertThat(laterTaskRan.await(AWAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      assertThat(reported).containsExactly(boom);
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(previous);
    }
  }

  @Test
  void negativeDelay_isRefused() {
    assertThatThrownBy(() -> clock.schedule(Duration.ofMillis(-1), () -> {}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
