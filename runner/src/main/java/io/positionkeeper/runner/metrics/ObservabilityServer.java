package io.positionkeeper.runner.metrics;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics} (Prometheus text format) and {@code GET /health} (200 when ready, 503 with
 * the failing checks otherwise, JSON either way) on the JDK's HTTP server, on threads of its own: a
 * scrape never runs on a trading thread.
 */
public final class ObservabilityServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ObservabilityServer.class);
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService threads;

  private ObservabilityServer(HttpServer server, ExecutorService threads) {
    this.server = server;
    this.threads = threads;
  }

  /** Starts serving on {@code host:port} ({@code port} 0 picks a free one). */
  public static ObservabilityServer start(
      String host, int port, KeeperMetrics metrics, Health health) throws IOException {
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(health, "health");
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
    ExecutorService threads =
        Executors.newFixedThreadPool(
            2, r -> Thread.ofPlatform().name("keeper-metrics").daemon(true).unstarted(r));
    server.setExecutor(threads);
    server.createContext("/metrics", ex -> serve(ex, () -> metrics(metrics)));
    server.createContext("/health", ex -> serve(ex, () -> health(health.check())));
    server.start();
    log.info("metrics and health on http://{}:{}/", host, server.getAddress().getPort());
    return new ObservabilityServer(server, threads);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private record Answer(int status, String contentType, byte[] body) {}

  @FunctionalInterface
  private interface Body {
    Answer make() throws IOException;
  }

  private static void serve(HttpExchange ex, Body body) throws IOException {
    try (ex) {
      if (!"GET".equals(ex.getRequestMethod())) {
        send(ex, new Answer(405, "text/plain", "GET only\n".getBytes(StandardCharsets.UTF_8)));
        return;
      }
      Answer answer;
      try {
        answer = body.make();
      } catch (RuntimeException e) {
        log.error("{} failed", ex.getRequestURI().getPath(), e);
        answer =
            new Answer(500, "text/plain", ("failed: " + e + "\n").getBytes(StandardCharsets.UTF_8));
      }
      send(ex, answer);
    }
  }

  private static void send(HttpExchange ex, Answer a) throws IOException {
    ex.getResponseHeaders().set("Content-Type", a.contentType());
    ex.sendResponseHeaders(a.status(), a.body().length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(a.body());
    }
  }

  private static Answer metrics(KeeperMetrics metrics) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    metrics.write(out);
    return new Answer(200, PROMETHEUS_TEXT, out.toByteArray());
  }

  private static Answer health(Health.Status status) {
    JsonObject o = new JsonObject();
    o.addProperty("status", status.ready() ? "ready" : "not ready");
    JsonObject checks = new JsonObject();
    status.checks().forEach(checks::addProperty);
    o.add("checks", checks);
    return new Answer(
        status.ready() ? 200 : 503,
        "application/json",
        (new Gson().toJson(o) + "\n").getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
