package io.positionkeeper.runner.paper;

import io.positionkeeper.ports.model.Symbol;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A recorded mark series (the bundled one or the trader's CSV), replayed as fast as it goes. */
public final class ReplayFeed implements MarkFeed {
  private final List<MarkTick> ticks;
  private volatile int position;
  private volatile boolean stopped;

  public ReplayFeed(List<MarkTick> ticks) {
    if (ticks.isEmpty()) {
      throw new IllegalArgumentException("a replay needs at least one mark");
    }
    this.ticks = List.copyOf(ticks);
  }

  @Override
  public List<MarkTick> firstMarks() {
    Map<Symbol, MarkTick> first = new LinkedHashMap<>();
    ticks.forEach(t -> first.putIfAbsent(t.symbol(), t));
    return new ArrayList<>(first.values());
  }

  @Override
  public Optional<MarkTick> next() {
    if (stopped || position >= ticks.size()) {
      return Optional.empty();
    }
    return Optional.of(ticks.get(position++));
  }

  @Override
  public long done() {
    return position;
  }

  @Override
  public long total() {
    return ticks.size();
  }

  @Override
  public void stop() {
    stopped = true;
  }

  @Override
  public void close() {}
}
