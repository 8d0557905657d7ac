package io.positionkeeper.runner.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * I4 by count: the audit rows stored, by type, against the events the runner says it emitted (its
 * {@code keeper_audit_events} counter on the metrics endpoint). A row lost or written twice shows
 * as a difference.
 */
final class AuditCounts {
  private AuditCounts() {}

  /**
   * Waits up to {@code settle} for the audit rows by type to equal the events the runner on {@code
   * metricsPort} emitted; on a timeout, fails showing both.
   */
  static void assertRowsAreTheEventsEmitted(CampaignView rig, int metricsPort, Duration settle)
      throws InterruptedException {
    try {
      rig.await(
          "the audit rows to equal the events emitted",
          settle,
          () -> stored(rig).equals(emitted(metricsPort)));
    } catch (AssertionError e) {
      assertThat(stored(rig))
          .as("I4: audit rows by type against the events the runner emitted")
          .isEqualTo(emitted(metricsPort));
    }
  }

  /** The audit events the runner emitted, by type, from its metrics endpoint at {@code port}. */
  static Map<String, Long> emitted(int port) {
    String text;
    try (HttpClient http = HttpClient.newHttpClient()) {
      text =
          http.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted reading the metrics", e);
    }
    Map<String, Long> byType = new TreeMap<>();
    for (String line : text.split("\n")) {
      if (!line.startsWith("keeper_audit_events_total{")) {
        continue;
      }
      int start = line.indexOf("type=\"") + "type=\"".length();
      String type = line.substring(start, line.indexOf('"', start));
      long value = (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      byType.merge(type, value, Long::sum);
    }
    return byType;
  }

  /** The audit events stored, by type. */
  static Map<String, Long> stored(CampaignView rig) {
    Map<String, Long> byType = new TreeMap<>();
    String all =
        rig.one(
            "SELECT string_agg(type || '=' || n, ',') FROM"
                + " (SELECT type, count(*) AS n FROM monitoring.events GROUP BY type) t");
    if (all != null) {
      for (String pair : all.split(",")) {
        String[] kv = pair.split("=");
        byType.put(kv[0], Long.parseLong(kv[1]));
      }
    }
    return byType;
  }
}
