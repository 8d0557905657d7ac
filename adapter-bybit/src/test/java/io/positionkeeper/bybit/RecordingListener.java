package io.positionkeeper.bybit;

import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.ports.StreamListener;
import io.positionkeeper.ports.model.StreamEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** Keeps every stream event and waits for one that matches. */
final class RecordingListener implements StreamListener {
  final List<StreamEvent> events = new CopyOnWriteArrayList<>();

  @Override
  public void onEvent(StreamEvent event) {
    events.add(event);
  }

  <T extends StreamEvent> T await(Class<T> type, Predicate<T> match) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    int from = 0;
    while (System.nanoTime() < deadline) {
      for (int i = from; i < events.size(); i++) {
        StreamEvent e = events.get(i);
        if (type.isInstance(e) && match.test(type.cast(e))) {
          return type.cast(e);
        }
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    assertThat(events).as("no matching " + type.getSimpleName() + " within 10 s").isEmpty();
    throw new AssertionError("unreachable");
  }

  int count(Predicate<StreamEvent> match) {
    return (int) events.stream().filter(match).count();
  }
}
