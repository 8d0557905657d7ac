package io.positionkeeper.ports.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class EventIdsTest {

  @Test
  void anIdIsACanonicalVersion7Uuid_carryingTheTimeItWasMadeAt() {
    long before = System.currentTimeMillis();
    String id = EventIds.next();
    long after = System.currentTimeMillis();

    assertThat(id)
        .hasSize(36)
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    UUID uuid = UUID.fromString(id);
    assertThat(uuid.version()).isEqualTo(7);
    assertThat(uuid.variant()).isEqualTo(2);
    long millis = uuid.getMostSignificantBits() >>> 16;
    // The counter may run ahead of the clock by a few milliseconds after a burst of ids.
    assertThat(millis).isBetween(before, after + 100);
  }

  @Test
  void idsMadeOneAfterAnother_sortAsTextInTheOrderTheyWereMade() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      ids.add(EventIds.next());
    }
    assertThat(ids).isSortedAccordingTo(String::compareTo).doesNotHaveDuplicates();
  }

  @Test
  void aClockThatStepsBack_doesNotMakeTheIdsGoBack() {
    EventIds ids = new EventIds();
    UUID late = ids.at(4_000_000_000_000L);
    UUID stepBack = ids.at(3_000_000_000_000L);

    assertThat(stepBack.toString()).isGreaterThan(late.toString());
    assertThat(stepBack.getMostSignificantBits() >>> 16).isEqualTo(4_000_000_000_000L);
  }

  @Test
  void manyIdsInOneMillisecond_keepCountingIntoTheNext() {
    EventIds ids = new EventIds();
    long millis = 5_000_000_000_000L;
    UUID last = ids.at(millis);
    for (int i = 0; i < 5_000; i++) {
      UUID id = ids.at(millis);
      assertThat(id.toString()).isGreaterThan(last.toString());
      last = id;
    }
    // 4096 ids fit in one millisecond; the rest borrow the next one.
    assertThat(last.getMostSignificantBits() >>> 16).isEqualTo(millis + 1);
  }

  @Test
  void idsMadeOnManyThreadsAtOnce_areAllDifferent() throws Exception {
    Set<String> seen = ConcurrentHashMap.newKeySet();
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        done.add(
            threads.submit(
                () -> {
                  Set<String> mine = new HashSet<>();
                  for (int i = 0; i < 25_000; i++) {
                    mine.add(EventIds.next());
                  }
                  seen.addAll(mine);
                  return mine.size();
                }));
      }
      for (Future<Integer> f : done) {
        assertThat(f.get()).isEqualTo(25_000);
      }
    } finally {
      threads.shutdownNow();
    }
    assertThat(seen).hasSize(100_000);
  }

  @Test
  void aClockOutsideTheFortyEightBits_isRefused() {
    EventIds ids = new EventIds();
    assertThatThrownBy(() -> ids.at(-1)).hasMessageContaining("48 bits");
    assertThatThrownBy(() -> ids.at(1L << 48)).hasMessageContaining("48 bits");
  }
}
