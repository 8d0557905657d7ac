package io.positionkeeper.runner.alerts;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts alerts to their targets on a thread of its own. {@link #offer} never blocks and never
 * throws: a full queue drops the alert, counts and logs it. Each post is retried with doubling
 * backoff on a network failure, a 429 or a 5xx; each target takes at most {@code perMinute} alerts
 * a minute, the rest are dropped and counted. Logs name a target by its kind, never by its address
 * (which holds the token).
 */
public final class AlertSender implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AlertSender.class);

  /** Queue bound, attempts per post, first backoff, per-target rate, and the HTTP timeout. */
  public record Policy(
      int queueCapacity, int maxAttempts, Duration firstBackoff, int perMinute, Duration timeout) {
    public Policy {
      if (queueCapacity < 1 || maxAttempts < 1 || perMinute < 1) {
        throw new IllegalArgumentException("queue, attempts and rate must be at least 1");
      }
      Objects.requireNonNull(firstBackoff, "firstBackoff");
      Objects.requireNonNull(timeout, "timeout");
    }

    public static Policy standard() {
      return new Policy(256, 4, Duration.ofSeconds(1), 20, Duration.ofSeconds(5));
    }
  }

  private final List<AlertTarget> targets;
  private final Policy policy;
  private final BlockingQueue<Alert> queue;
  private final HttpClient http;
  private final Thread worker;
  private final Map<String, Deque<Long>> recentSends = new HashMap<>();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private volatile boolean running = true;

  /** Alerts queued or being posted: what {@link #close} waits for. */
  private final java.util.concurrent.atomic.AtomicInteger unfinished =
      new java.util.concurrent.atomic.AtomicInteger();

  public AlertSender(List<AlertTarget> targets, Policy policy) {
    this.targets = List.copyOf(targets);
    this.policy = Objects.requireNonNull(policy, "policy");
    this.queue = new ArrayBlockingQueue<>(policy.queueCapacity());
    this.http = HttpClient.newBuilder().connectTimeout(policy.timeout()).build();
    this.worker = Thread.ofPlatform().name("keeper-alerts").daemon(true).start(this::work);
  }

  /** Queues an alert for every target; drops it (counted, logged) when the queue is full. */
  public void offer(Alert alert) {
    if (targets.isEmpty()) {
      return;
    }
    unfinished.incrementAndGet();
    if (!queue.offer(alert)) {
      unfinished.decrementAndGet();
      dropped.incrementAndGet();
      log.warn(
          "alert queue full ({}); dropped {}: {}",
          policy.queueCapacity(),
          alert.kind(),
          alert.title());
    }
  }

  /** Posts delivered (one per alert and target). */
  public long sent() {
    return sent.get();
  }

  /** Posts given up after every attempt failed. */
  public long failed() {
    return failed.get();
  }

  /** Alerts dropped: queue full or a target's rate exceeded. */
  public long dropped() {
    return dropped.get();
  }

  private void work() {
    while (running) {
      Alert alert;
      try {
        alert = queue.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (alert == null) {
        continue;
      }
      try {
        if (!postToAll(alert)) {
          return;
        }
      } finally {
        unfinished.decrementAndGet();
      }
    }
  }

  /** Posts to every target within its rate; false only when interrupted (closing). */
  private boolean postToAll(Alert alert) {
    for (AlertTarget target : targets) {
      if (!withinRate(target)) {
        dropped.incrementAndGet();
        log.warn("alert rate of {} exceeded; dropped {}", target.name(), alert.kind());
        continue;
      }
      if (!post(target, alert)) {
        return false;
      }
    }
    return true;
  }

  private boolean withinRate(AlertTarget target) {
    long now = System.nanoTime();
    Deque<Long> times = recentSends.computeIfAbsent(target.name(), k -> new ArrayDeque<>());
    while (!times.isEmpty() && now - times.peekFirst() > TimeUnit.MINUTES.toNanos(1)) {
      times.pollFirst();
    }
    if (times.size() >= policy.perMinute()) {
      return false;
    }
    times.addLast(now);
    return true;
  }

  /** Posts with retries; returns false only when interrupted (closing). */
  private boolean post(AlertTarget target, Alert alert) {
    Duration backoff = policy.firstBackoff();
    for (int attempt = 1; attempt <= policy.maxAttempts(); attempt++) {
      String problem;
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(target.uri())
                    .timeout(policy.timeout())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(target.body(alert)))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        int status = r.statusCode();
        if (status / 100 == 2) {
          sent.incrementAndGet();
          return true;
        }
        problem = "HTTP " + status;
        if (status != 429 && status / 100 != 5) {
          failed.incrementAndGet();
          log.error(
              "{} refused the {} alert ({}); not retried", target.name(), alert.kind(), problem);
          return true;
        }
      } catch (IOException e) {
        problem = e.getClass().getSimpleName();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      log.warn(
          "{} alert to {} failed (attempt {}/{}: {})",
          alert.kind(),
          target.name(),
          attempt,
          policy.maxAttempts(),
          problem);
      if (attempt < policy.maxAttempts() && !sleep(backoff)) {
        return false;
      }
      backoff = backoff.multipliedBy(2);
    }
    failed.incrementAndGet();
    log.error(
        "{} alert to {} given up after {} attempts",
        alert.kind(),
        target.name(),
        policy.maxAttempts());
    return true;
  }

  private static boolean sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Sends what is queued or being sent for up to {@code grace}, then stops. */
  public void close(Duration grace) {
    long until = System.nanoTime() + grace.toNanos();
    while (unfinished.get() > 0 && System.nanoTime() < until) {
      sleep(Duration.ofMillis(50));
    }
    running = false;
    worker.interrupt();
    try {
      worker.join(grace.toMillis() + 1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    http.close();
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(3));
  }
}
