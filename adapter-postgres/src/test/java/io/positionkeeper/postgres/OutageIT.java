package io.positionkeeper.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.positionkeeper.migrations.Migrations;
import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.PersistenceException;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.model.AuditRecord;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The database goes away in the middle of a stream of audit events and comes back on the same data
 * directory and port. A retrying loop stands in for the domain's journal writer. Every event ends
 * up stored exactly once, and the pool recovers by itself.
 */
class OutageIT {
  private static final int BATCHES = 120;
  private static final int BATCH_SIZE = 25;
  private static final Duration DEADLINE = Duration.ofSeconds(120);
  private static final Duration RECOVERY = Duration.ofSeconds(15);

  @TempDir Path dataDirectory;

  @ParameterizedTest
  @EnumSource(JournalWriteMethod.class)
  void databaseStoppedMidStream_thenStarted_everyEventStoredExactlyOnce(JournalWriteMethod method)
      throws Exception {
    int port = freePort();
    EmbeddedPostgres server = start(port);
    Migrations.migrate(server.getPostgresDatabase());
    ExecutorService writerThread = Executors.newSingleThreadExecutor();
    try (HikariDataSource pool =
        PostgresPool.create(
            TestDatabase.config(port)
                .withMaximumPoolSize(2)
                .withConnectionTimeout(Duration.ofMillis(500)))) {
      JooqAuditJournal journal = new JooqAuditJournal(pool, method);
      List<List<AuditRecord>> batches = new ArrayList<>();
      for (int b = 0; b < BATCHES; b++) {
        List<AuditRecord> batch = new ArrayList<>();
        for (int i = 0; i < BATCH_SIZE; i++) {
          batch.add(Fixtures.event("STOP_MOVED"));
        }
        batches.add(batch);
      }
      CountDownLatch aThirdWritten = new CountDownLatch(BATCHES / 3);
      CountDownLatch serverStopped = new CountDownLatch(1);
      CountDownLatch failureSeen = new CountDownLatch(1);
      ConcurrentLinkedQueue<PortException> failures = new ConcurrentLinkedQueue<>();

      Future<Void> writer =
          writerThread.submit(
              () -> {
                try {
                  write(journal, batches, aThirdWritten, serverStopped, failureSeen, failures);
                } finally {
                  // Also when the writer stops on an unexpected exception: the test shows it.
                  failureSeen.countDown();
                }
                return null;
              });

      assertThat(aThirdWritten.await(60, TimeUnit.SECONDS)).isTrue();
      server.close();
      serverStopped.countDown();
      assertThat(failureSeen.await(60, TimeUnit.SECONDS)).isTrue();
      if (writer.isDone()) {
        writer.get(); // throws what stopped the writer
      }
      assertThat(writer.isDone()).as("the outage happened mid-stream").isFalse();
      server = start(port);
      // The pool recovers by itself, and promptly: a dead connection handed out again and again
      // (until HikariCP's 30 s keepalive finds it) would miss this.
      writer.get(RECOVERY.toSeconds(), TimeUnit.SECONDS);

      List<AuditRecord> stored = new ArrayList<>();
      try (var c = pool.getConnection()) {
        stored.addAll(
            Database.dsl(c)
                .selectFrom(io.positionkeeper.postgres.schema.Tables.EVENTS)
                .fetch(AuditRows::toRecord));
      }
      Set<String> expected = new HashSet<>();
      batches.forEach(b -> b.forEach(r -> expected.add(r.eventId())));
      assertThat(stored).hasSize(BATCHES * BATCH_SIZE);
      assertThat(stored)
          .extracting(AuditRecord::eventId)
          .containsExactlyInAnyOrderElementsOf(expected);
      assertThat(failures)
          .isNotEmpty()
          .allSatisfy(
              f ->
                  assertThat(f)
                      .isInstanceOfAny(PersistenceException.class, OutcomeUnknownException.class)
                      .hasCauseInstanceOf(Exception.class));
    } finally {
      writerThread.shutdownNow();
      server.close();
    }
  }

  /** The stand-in for the domain's journal writer: keeps each batch until it is stored. */
  private static void write(
      JooqAuditJournal journal,
      List<List<AuditRecord>> batches,
      CountDownLatch aThirdWritten,
      CountDownLatch serverStopped,
      CountDownLatch failureSeen,
      ConcurrentLinkedQueue<PortException> failures)
      throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    for (int b = 0; b < batches.size(); b++) {
      List<AuditRecord> batch = batches.get(b);
      if (b == 2 * BATCHES / 3) {
        // Writes go on while the server shuts down; the last third is held back
        // until it is down, so the stream cannot finish before the outage.
        assertThat(serverStopped.await(60, TimeUnit.SECONDS)).isTrue();
      }
      while (true) {
        try {
          journal.append(batch);
          break;
        } catch (PersistenceException | OutcomeUnknownException | RetryableException e) {
          // The domain's writer keeps the batch and tries again later; so does this.
          failures.add(e);
          failureSeen.countDown();
          if (System.nanoTime() > deadline) {
            throw new AssertionError("the journal did not recover in time", e);
          }
          Thread.sleep(50);
        }
      }
      aThirdWritten.countDown();
    }
  }

  private EmbeddedPostgres start(int port) throws IOException {
    return EmbeddedPostgres.builder()
        .setDataDirectory(dataDirectory)
        .setCleanDataDirectory(false)
        .setPort(port)
        // Commits are durable when acknowledged, as in production (zonky turns this off).
        .setServerConfig("synchronous_commit", "on")
        .start();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
