package io.positionkeeper.runner.bench;

import io.positionkeeper.ports.ExchangeStreams;
import io.positionkeeper.ports.StreamListener;
import io.positionkeeper.ports.model.ConnectionState;
import io.positionkeeper.ports.model.StreamEvent;
import io.positionkeeper.ports.model.Symbol;
import java.util.Set;

/** The adapter's streams, with the time the keeper's listener takes per fill-side event. */
final class TimedStreams implements ExchangeStreams {
  private final ExchangeStreams target;
  private final Samples applied;

  TimedStreams(ExchangeStreams target, Samples applied) {
    this.target = target;
    this.applied = applied;
  }

  @Override
  public void start(StreamListener listener) {
    target.start(
        event -> {
          long t0 = System.nanoTime();
          try {
            listener.onEvent(event);
          } finally {
            if (event instanceof StreamEvent.OrderChanged
                || event instanceof StreamEvent.PositionChanged
                || event instanceof StreamEvent.StopChanged) {
              applied.add(System.nanoTime() - t0);
            }
          }
        });
  }

  @Override
  public void watchMarkPrices(Set<Symbol> symbols) {
    target.watchMarkPrices(symbols);
  }

  @Override
  public ConnectionState connectionState() {
    return target.connectionState();
  }

  @Override
  public void close() {
    target.close();
  }
}
