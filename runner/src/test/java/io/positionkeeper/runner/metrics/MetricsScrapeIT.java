package io.positionkeeper.runner.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.runner.ops.Observability;
import io.positionkeeper.runner.paper.PaperOptions;
import io.positionkeeper.runner.paper.PaperSession;
import io.positionkeeper.runner.paper.Progress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} and {@code /health} scraped over HTTP in the middle of the bundled paper run,
 * when three positions are open and trailing, and again at its end.
 */
class MetricsScrapeIT {
  @TempDir Path home;
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void midRunScrape_showsOpenProtectedPositions_latencies_andReadyHealth() throws Exception {
    AtomicReference<PaperSession> session = new AtomicReference<>();
    List<HttpResponse<String>> scraped = new ArrayList<>();
    List<Exception> failures = new ArrayList<>();
    List<String> statusAtScrape = new ArrayList<>();
    Progress scrapeAtThird =
        new Progress() {
          @Override
          public void update(long done, long total, String status) {
            if (done == total / 3) {
              try {
                int port = session.get().metricsPort().orElseThrow();
                statusAtScrape.add(status);
                scraped.add(get(port, "/metrics"));
                scraped.add(get(port, "/health"));
              } catch (Exception e) {
                failures.add(e);
              }
            }
          }

          @Override
          public void finish() {}
        };
    session.set(
        new PaperSession(
            new PaperOptions(home, true, Optional.empty(), Optional.empty()),
            scrapeAtThird,
            Optional.of(new Observability.Endpoint("127.0.0.1", 0)),
            List.of()));
    session.get().run();

    assertThat(failures).isEmpty();
    assertThat(scraped).hasSize(2);
    HttpResponse<String> metrics = scraped.get(0);
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
    String text = metrics.body();
    // The replay's own line says how many positions the keeper's book held at that mark.
    Matcher open = Pattern.compile("open (\\d+)").matcher(statusAtScrape.get(0));
    assertThat(open.find()).isTrue();
    assertThat(Integer.parseInt(open.group(1))).isPositive();
    assertThat(value(text, "keeper_open_positions")).isEqualTo(Integer.parseInt(open.group(1)));
    assertThat(value(text, "keeper_unprotected_positions")).isZero();
    assertThat(value(text, "keeper_stop_moves_total")).isPositive();
    double created =
        value(text, "keeper_audit_events_total{severity=\"INFO\",type=\"POSITION_CREATED\"}");
    assertThat(created).isPositive();
    assertThat(value(text, "keeper_fill_verification_seconds_count")).isEqualTo(created);
    assertThat(value(text, "keeper_open_flow_seconds_count")).isEqualTo(created);
    assertThat(text).contains("keeper_open_flow_seconds_bucket{le=\"0.005\"}");
    assertThat(value(text, "keeper_streams_resynced{exchange=\"PAPER\"}")).isEqualTo(1);
    assertThat(value(text, "keeper_stream_reconnects_total{exchange=\"PAPER\"}")).isZero();
    assertThat(value(text, "keeper_seconds_since_resync{exchange=\"PAPER\"}")).isPositive();
    assertThat(value(text, "keeper_lease_held")).isEqualTo(1);
    assertThat(value(text, "keeper_audit_dead_letters_total")).isZero();
    assertThat(value(text, "keeper_audit_spool_records")).isZero();
    assertThat(text).contains("keeper_audit_queue_depth ");

    HttpResponse<String> health = scraped.get(1);
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\":\"ready\"", "\"database\":\"ok\"");
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The sample's value in the text format, for a name with its labels as printed. */
  static double value(String text, String sample) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(text);
    if (!m.find()) {
      throw new AssertionError("no sample " + sample + " in:\n" + text);
    }
    return Double.parseDouble(m.group(1));
  }
}
