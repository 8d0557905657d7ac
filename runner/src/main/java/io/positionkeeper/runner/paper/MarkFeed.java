package io.positionkeeper.runner.paper;

import java.util.List;
import java.util.Optional;

/** Where a paper session's mark prices come from: a recorded series or a live stream. */
public interface MarkFeed extends AutoCloseable {
  /**
   * The first mark of each symbol the session trades, before anything trades: the paper venue's
   * instrument rules are derived from them. Blocks for a live feed.
   */
  List<MarkTick> firstMarks() throws InterruptedException;

  /** The next mark in time order, or empty when the feed is over. */
  Optional<MarkTick> next() throws InterruptedException;

  /** How far the feed is, from 0 to {@code total()}, for the progress display. */
  long done();

  long total();

  /** Ends the feed early: {@link #next()} then answers empty. */
  void stop();

  @Override
  void close();
}
