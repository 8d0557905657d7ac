package io.positionkeeper.domain.sim;

import java.util.ArrayList;
import java.util.List;

/** What a history did, one line per action, kept to print the road to a violation. */
final class History {
  private final List<String> lines = new ArrayList<>();

  void add(int step, String line) {
    lines.add(step + " " + line);
  }

  List<String> lines() {
    return List.copyOf(lines);
  }

  /** The last {@code n} lines, with a note of how many were left out before them. */
  String tail(int n) {
    StringBuilder out = new StringBuilder();
    int from = Math.max(0, lines.size() - n);
    if (from > 0) {
      out.append("  ... ").append(from).append(" earlier lines\n");
    }
    for (String line : lines.subList(from, lines.size())) {
      out.append("  ").append(line).append('\n');
    }
    return out.toString();
  }
}
