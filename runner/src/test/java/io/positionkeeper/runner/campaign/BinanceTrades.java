package io.positionkeeper.runner.campaign;

import static io.positionkeeper.runner.campaign.BinanceRig.SYMBOL;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.binance.emulator.BinanceEmulator.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a trader does and sees on a rig that several scenarios share one after another: one long
 * opened per scenario at a known price, the newest row and signal, the orders sent since a moment.
 * Every scenario starts flat, so it can tell its own orders and rows from the earlier ones.
 */
final class BinanceTrades {
  /** The opening's figures, the same on every venue's rig ({@link RigTrades}). */
  static final BigDecimal ENTRY = RigTrades.ENTRY;

  static final BigDecimal QUANTITY = RigTrades.QUANTITY;
  static final BigDecimal STOP = RigTrades.STOP;
  static final BigDecimal STOP_HIT = RigTrades.STOP_HIT;
  static final Duration OPENING = Duration.ofSeconds(60);
  static final Duration RECONCILIATION = RigTrades.RECONCILIATION;

  static final String ORDER = "/fapi/v1/order";
  static final String ALGO = "/fapi/v1/algoOrder";

  private static final String NEWEST = " FROM monitoring.positions ORDER BY id DESC LIMIT 1";

  private BinanceTrades() {}

  /**
   * Opens a long through the running runner and waits until it is protected: the signal OPENED, one
   * row ACTIVE with its stop, the invariants holding. Returns when the opening began.
   */
  static Instant openLong(BinanceRig rig) throws Exception {
    assertFlat(rig);
    Instant began = Instant.now();
    long signals = rig.count("SELECT count(*) FROM monitoring.signals");
    rig.venue().setMarkPrice(SYMBOL, ENTRY);
    rig.signalLong();
    rig.await(
        "the signal's outcome",
        OPENING,
        () ->
            rig.count("SELECT count(*) FROM monitoring.signals WHERE outcome IS NOT NULL")
                > signals);
    assertThat(
            rig.one(
                "SELECT outcome || ': ' || coalesce(detail, '') FROM monitoring.signals"
                    + " ORDER BY id DESC LIMIT 1"))
        .startsWith("OPENED");
    CampaignInvariants.assertSettle(rig, Duration.ofSeconds(30));
    assertThat(rig.venue().positionAmount(SYMBOL)).isEqualByComparingTo(QUANTITY);
    assertThat(newest(rig, "stop_price")).isEqualByComparingTo(STOP);
    return began;
  }

  /**
   * Raises the mark 2 %: the trailing stop activates (at +1.5 %) and moves the stop up behind the
   * mark. Waits for the move (a new stop recorded, the invariants holding); returns the new stop
   * price, tighter than the entry.
   */
  static BigDecimal trailUp(BinanceRig rig, String what) throws InterruptedException {
    String before = newestText(rig, "stop_client_id");
    rig.venue().setMarkPrice(SYMBOL, new BigDecimal("65280"));
    rig.await(
        what,
        Duration.ofSeconds(60),
        () ->
            !before.equals(newestText(rig, "stop_client_id"))
                && CampaignInvariants.violations(rig).isEmpty());
    BigDecimal trailed = newest(rig, "stop_price");
    assertThat(trailed).as("the trailed stop").isGreaterThan(ENTRY);
    return trailed;
  }

  /** No position on the venue and no open row: where every scenario starts. */
  static void assertFlat(BinanceRig rig) {
    assertThat(rig.venue().positionAmount(SYMBOL)).as("the venue's position").isZero();
    assertNoOpenRow(CampaignInvariants.view(rig));
  }

  /** No row ACTIVE or CLOSING. */
  static void assertNoOpenRow(CampaignView rig) {
    assertThat(
            rig.count(
                "SELECT count(*) FROM monitoring.positions WHERE status IN ('ACTIVE','CLOSING')"))
        .as("open rows")
        .isZero();
  }

  static void assertClosed(BinanceRig rig, Duration within, String reason, BigDecimal exit)
      throws InterruptedException {
    assertClosed(CampaignInvariants.view(rig), within, reason, exit);
  }

  /**
   * Waits until the newest row is closed, then checks it closed for {@code reason} at {@code exit}.
   */
  static void assertClosed(CampaignView rig, Duration within, String reason, BigDecimal exit)
      throws InterruptedException {
    rig.await("the row closed", within, () -> "CLOSED".equals(rig.one("SELECT status" + NEWEST)));
    assertThat(rig.one("SELECT close_reason" + NEWEST)).as("the close reason").isEqualTo(reason);
    assertThat(newest(rig, "exit_price")).as("the exit price").isEqualByComparingTo(exit);
  }

  static BigDecimal newest(BinanceRig rig, String column) {
    return newest(CampaignInvariants.view(rig), column);
  }

  /** A column of the newest row, as a number. */
  static BigDecimal newest(CampaignView rig, String column) {
    String value = rig.one("SELECT " + column + NEWEST);
    return value == null ? null : new BigDecimal(value);
  }

  static String newestText(BinanceRig rig, String column) {
    return newestText(CampaignInvariants.view(rig), column);
  }

  /** A text column of the newest row. */
  static String newestText(CampaignView rig, String column) {
    return rig.one("SELECT " + column + NEWEST);
  }

  /** Orders (entries and closes) the venue received since {@code since}. */
  static List<RecordedRequest> ordersSince(BinanceRig rig, Instant since) {
    return requestsSince(rig, "POST", ORDER, since);
  }

  static List<RecordedRequest> requestsSince(
      BinanceRig rig, String method, String path, Instant since) {
    return rig.venue().requests().stream()
        .filter(r -> r.method().equals(method) && r.path().equals(path))
        .filter(r -> !r.receivedAt().isBefore(since))
        .toList();
  }

  /**
   * The audit events the runner emitted, by type, from its {@code keeper_audit_events} counter on
   * the metrics endpoint at {@code port}.
   */
  static Map<String, Long> emittedEvents(int port) {
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

  static Map<String, Long> storedEvents(BinanceRig rig) {
    return storedEvents(CampaignInvariants.view(rig));
  }

  /** The audit events stored, by type. */
  static Map<String, Long> storedEvents(CampaignView rig) {
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
