package io.positionkeeper.runner.campaign;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The history that led to a campaign failure: the tail of each runner incarnation's log and the
 * venue's request log (arrival time, method, path, which API key, the order's client ids), so a
 * violation can be read without running the scenario again. API keys are shown by number, never by
 * value.
 */
final class CampaignHistory {
  private static final int REQUESTS_SHOWN = 200;

  private CampaignHistory() {}

  /** The history on any venue: the last two incarnations' logs and the venue's request log. */
  static String of(RunnerRig rig) {
    List<Path> outputs = rig.outputs();
    List<RunnerRig.Received> requests = rig.received();
    StringBuilder out = new StringBuilder();
    // The last two incarnations' logs: the one that died and the one that restarted.
    for (int i = Math.max(0, outputs.size() - 4); i < outputs.size(); i++) {
      try {
        out.append("\n--- ")
            .append(outputs.get(i).getFileName())
            .append(" (tail)\n")
            .append(RunnerRig.logTail(outputs.get(i)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    out.append("\n--- the venue's request log (last ").append(REQUESTS_SHOWN).append(")\n");
    Map<String, Integer> keys = new TreeMap<>();
    keys.put(rig.apiKey(), 1);
    for (RunnerRig.Received r :
        requests.subList(Math.max(0, requests.size() - REQUESTS_SHOWN), requests.size())) {
      String key =
          r.apiKey().map(k -> "key#" + keys.computeIfAbsent(k, x -> keys.size() + 1)).orElse("-");
      out.append(r.at())
          .append(' ')
          .append(r.method())
          .append(' ')
          .append(r.path())
          .append(' ')
          .append(key)
          .append(' ')
          .append(r.detail())
          .append('\n');
    }
    return out.toString();
  }
}
