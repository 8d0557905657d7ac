package io.positionkeeper.runner.paper;

import java.io.PrintStream;

/** How far a replay is: a bar redrawn in place on a terminal, a plain line per tenth otherwise. */
public interface Progress {
  void update(long done, long total, String status);

  void finish();

  static Progress forOutput(PrintStream out, boolean terminal) {
    return terminal ? new Bar(out) : new Lines(out);
  }

  /** A bar redrawn with a carriage return. */
  final class Bar implements Progress {
    private final PrintStream out;
    private int lastPercent = -1;

    Bar(PrintStream out) {
      this.out = out;
    }

    @Override
    public void update(long done, long total, String status) {
      int percent = (int) (100 * done / Math.max(1, total));
      if (percent == lastPercent) {
        return;
      }
      lastPercent = percent;
      int filled = percent * 30 / 100;
      out.print(
          "\r[" + "#".repeat(filled) + " ".repeat(30 - filled) + "] " + percent + "% " + status);
      out.flush();
    }

    @Override
    public void finish() {
      out.println();
    }
  }

  /** A line at each tenth, for logs and pipes. */
  final class Lines implements Progress {
    private final PrintStream out;
    private long lastTenth = -1;

    Lines(PrintStream out) {
      this.out = out;
    }

    @Override
    public void update(long done, long total, String status) {
      long tenth = 10 * done / Math.max(1, total);
      if (tenth == lastTenth) {
        return;
      }
      lastTenth = tenth;
      out.println("progress " + (tenth * 10) + "% " + status);
    }

    @Override
    public void finish() {}
  }
}
