package io.positionkeeper.ports.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.SignalSource;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Signal;
import io.positionkeeper.ports.model.SignalOutcome;
import io.positionkeeper.ports.model.SizeUnit;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What every {@link SignalSource} promises. */
public abstract class SignalSourceContract {

  protected abstract SignalSource source();

  /** Adds a waiting signal with the signal's id. */
  protected abstract void add(Signal signal);

  protected static Signal signal(long id) {
    return new Signal(
        id,
        Exchange.BINANCE,
        Symbol.of("BTCUSDT"),
        PositionSide.LONG,
        new BigDecimal("100"),
        SizeUnit.QUOTE,
        new BigDecimal("2"),
        new BigDecimal("1.5"),
        new BigDecimal("0.5"),
        ContractData.T0.plusSeconds(id));
  }

  @Test
  void claim_returnsTheOldestSignalsFirst_upToMax_andNeverTheSameTwice() {
    for (long id = 1; id <= 5; id++) {
      add(signal(id));
    }

    List<Signal> first = source().claim(3);
    List<Signal> second = source().claim(3);
    List<Signal> third = source().claim(3);

    assertThat(first).extracting(Signal::id).containsExactly(1L, 2L, 3L);
    assertThat(second).extracting(Signal::id).containsExactly(4L, 5L);
    assertThat(third).isEmpty();
    assertThat(first.get(0).stopLossPercent()).isEqualByComparingTo("2");
    assertThat(first.get(0).sizeUnit()).isEqualTo(SizeUnit.QUOTE);
  }

  @Test
  void complete_isAcceptedOnce_forAClaimedSignal() {
    add(signal(1));
    source().claim(1);

    source().complete(1, SignalOutcome.OPENED, "position 7");

    assertThatThrownBy(() -> source().complete(1, SignalOutcome.FAILED, "again"))
        .isInstanceOf(RejectedException.class);
  }

  @Test
  void complete_ofASignalNeverClaimed_isRejected() {
    add(signal(1));

    assertThatThrownBy(() -> source().complete(1, SignalOutcome.OPENED, "x"))
        .isInstanceOf(RejectedException.class);
  }

  @Test
  void claim_ofZero_isRefused() {
    assertThatThrownBy(() -> source().claim(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void concurrentClaimers_neverReceiveTheSameSignal() throws Exception {
    int signals = 200;
    for (long id = 1; id <= signals; id++) {
      add(signal(id));
    }
    int claimers = 4;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(claimers);
    try {
      List<Future<List<Long>>> results = new ArrayList<>();
      for (int c = 0; c < claimers; c++) {
        Callable<List<Long>> claimer =
            () -> {
              start.await();
              List<Long> mine = new ArrayList<>();
              while (true) {
                List<Signal> got = source().claim(7);
                if (got.isEmpty()) {
                  return mine;
                }
                got.forEach(s -> mine.add(s.id()));
              }
            };
        results.add(pool.submit(claimer));
      }
      start.countDown();
      List<Long> all = new ArrayList<>();
      for (Future<List<Long>> f : results) {
        all.addAll(f.get());
      }
      Set<Long> distinct = new HashSet<>(all);
      assertThat(all).hasSize(signals);
      assertThat(distinct).hasSize(signals);
    } finally {
      pool.shutdownNow();
    }
  }
}
