package io.positionkeeper.domain.audit;

import io.positionkeeper.domain.retry.Backoff;
import java.time.Duration;
import java.util.Objects;

/**
 * How the {@link BatchingAuditWriter} batches: at most {@code memoryCapacity} records wait in
 * memory (more go to the spool file); a batch holds at most {@code batchSize} records and is sent
 * when that many wait or {@code flushInterval} after the last flush; after a failure of the journal
 * the next attempt waits {@code retryBackoff}.
 */
public record AuditWriterPolicy(
    int memoryCapacity, int batchSize, Duration flushInterval, Backoff retryBackoff) {

  public AuditWriterPolicy {
    if (memoryCapacity < 1) {
      throw new IllegalArgumentException("memoryCapacity must be >= 1, was " + memoryCapacity);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
    }
    Objects.requireNonNull(flushInterval, "flushInterval");
    if (!flushInterval.isPositive()) {
      throw new IllegalArgumentException("flushInterval must be > 0, was " + flushInterval);
    }
    Objects.requireNonNull(retryBackoff, "retryBackoff");
  }

  /** 10 000 records in memory, batches of 200 every 500 ms, retries from 250 ms up to 30 s. */
  public static AuditWriterPolicy standard() {
    return new AuditWriterPolicy(
        10_000,
        200,
        Duration.ofMillis(500),
        new Backoff(Duration.ofMillis(250), Duration.ofSeconds(30)));
  }
}
