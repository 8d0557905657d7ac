package io.positionkeeper.runner.live;

import io.positionkeeper.domain.keeper.Keeper;
import io.positionkeeper.domain.open.OpenIntent;
import io.positionkeeper.domain.open.OpenResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signals as JSON lines from a file or standard input. A reader thread hands lines over as they
 * come (a pipe delivers them one by one); the session's thread opens each in turn. A bad line is
 * refused with its line number and reason on the console and in the log; the lines after it are
 * still read. At the end of the input the runner keeps running: its positions stay managed until it
 * is stopped.
 */
final class LineSignalInput {
  private static final Logger log = LoggerFactory.getLogger(LineSignalInput.class);

  private record Line(int number, String text) {}

  private static final Line END = new Line(-1, "");

  private final String name;
  private final LineSignals signals;
  private final BlockingQueue<Line> lines = new LinkedBlockingQueue<>();
  private final Thread reader;

  LineSignalInput(Reader source, String name, LineSignals signals) {
    this.name = Objects.requireNonNull(name, "name");
    this.signals = Objects.requireNonNull(signals, "signals");
    Objects.requireNonNull(source, "source");
    this.reader =
        Thread.ofPlatform()
            .name("signal-lines")
            .daemon(true)
            .unstarted(() -> readAll(new BufferedReader(source)));
  }

  private void readAll(BufferedReader in) {
    int number = 0;
    try (in) {
      for (String text = in.readLine(); text != null; text = in.readLine()) {
        lines.add(new Line(++number, text));
      }
      log.info("signals {}: end of input after {} lines; still managing positions", name, number);
    } catch (IOException e) {
      log.error("signals {}: reading failed after line {}; no more signals", name, number, e);
    } finally {
      lines.add(END);
    }
  }

  /** Opens each line's signal until {@code stop} is released; lines still unread are left. */
  void take(Keeper keeper, CountDownLatch stop, Duration pollEvery) throws InterruptedException {
    reader.start();
    boolean ended = false;
    while (stop.getCount() > 0) {
      Line line = ended ? null : lines.poll(pollEvery.toMillis(), TimeUnit.MILLISECONDS);
      if (line == END) {
        ended = true;
      } else if (line != null) {
        act(keeper, line);
      } else if (ended) {
        stop.await(pollEvery.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  private void act(Keeper keeper, Line line) {
    String text = line.text().strip();
    if (text.isEmpty() || text.startsWith("#")) {
      return;
    }
    OpenIntent intent;
    try {
      intent = signals.parse(text);
    } catch (IllegalArgumentException e) {
      log.warn(
          "signals {} line {} refused: {} (line: {})", name, line.number(), e.getMessage(), text);
      return;
    }
    OpenResult result = keeper.open(intent);
    switch (result) {
      case OpenResult.Opened opened ->
          log.info("signals {} line {}: opened {}", name, line.number(), opened);
      case OpenResult.Refused refused ->
          log.warn("signals {} line {} refused: {}", name, line.number(), refused.reason());
      case OpenResult.Failed failed ->
          log.error(
              "signals {} line {} failed at {}: {}",
              name,
              line.number(),
              failed.stage(),
              failed.reason());
    }
  }
}
