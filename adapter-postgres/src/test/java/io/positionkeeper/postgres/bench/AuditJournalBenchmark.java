package io.positionkeeper.postgres.bench;

import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.EventIds;
import io.positionkeeper.postgres.JooqAccountLease;
import io.positionkeeper.postgres.JooqAuditJournal;
import io.positionkeeper.postgres.JournalWriteMethod;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The audit journal's flush on a real (embedded) PostgreSQL 17 with durable commits: one {@code
 * append} of a batch per operation. Sample-time mode gives the flush latency (p50, p99); events/s
 * is the batch size over the mean flush time, times the number of writers. The two write methods,
 * one writer and two writers sharing the journal, run side by side in one run.
 *
 * <p>The events are a {@link BotTrail}'s, with time-ordered ids ({@link EventIds}; {@code -p
 * ids=RANDOM_V4} for random ones, to compare).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class AuditJournalBenchmark {

  @Param({"COPY", "BATCH"})
  public JournalWriteMethod method;

  @Param({"100", "1000"})
  public int batchSize;

  /** How the events' ids are made. */
  public enum Ids {
    /** As the domain makes them ({@link EventIds}): time-ordered. */
    UUID_V7,
    /** Random ({@link UUID#randomUUID()}), as the domain made them before: for comparison. */
    RANDOM_V4
  }

  @Param({"UUID_V7"})
  public Ids ids;

  /** Connections one append may write a large batch on at once (1: one transaction, as before). */
  @Param({"1", "2"})
  public int connections;

  /** Whether each append is fenced by an account lease (issue 13: one check per transaction). */
  public enum Fence {
    /** A journal of the default account, unfenced. */
    NONE,
    /** A journal bound to a held lease: each transaction first locks and checks the lease row. */
    LEASE
  }

  @Param({"NONE"})
  public Fence fence;

  /** Which key checks an event's position (issue 13: an event's account is its position's). */
  public enum PositionKey {
    /** As migrated (V15-V17): the (position_id, account) key to positions (id, account). */
    ACCOUNT,
    /** What V1-V14 had, put back for comparison: the id-only key to positions (id). */
    ID_ONLY
  }

  @Param({"ACCOUNT"})
  public PositionKey positionKey;

  private BenchDatabase db;
  private JooqAuditJournal journal;
  private BotTrail trail;

  @Setup(Level.Trial)
  public void startDatabase() throws IOException, SQLException {
    db = new BenchDatabase();
    if (positionKey == PositionKey.ID_ONLY) {
      try (Connection c = db.pool.getConnection();
          Statement s = c.createStatement()) {
        s.execute(
            "ALTER TABLE monitoring.events DROP CONSTRAINT events_position_account_fkey,"
                + " ADD CONSTRAINT events_position_id_fkey FOREIGN KEY (position_id)"
                + " REFERENCES monitoring.positions (id)");
      }
    }
    journal =
        switch (fence) {
          case NONE -> new JooqAuditJournal(db.pool, method, connections);
          case LEASE ->
              new JooqAuditJournal(
                  db.pool,
                  method,
                  connections,
                  new JooqAccountLease(db.pool)
                      .acquire(AccountId.of("bench"), "bench-runner", Duration.ofHours(1)));
        };
    trail =
        new BotTrail(
            db.pool,
            switch (fence) {
              case NONE -> AccountId.DEFAULT;
              case LEASE -> AccountId.of("bench");
            });
  }

  /** Each writer's next batch: new events (new ids), made outside the measured time. */
  @State(Scope.Thread)
  public static class Batch {
    List<AuditRecord> records;

    @Setup(Level.Invocation)
    public void next(AuditJournalBenchmark bench) {
      records = new ArrayList<>(bench.batchSize);
      for (int i = 0; i < bench.batchSize; i++) {
        records.add(bench.trail.event(i, bench::nextId));
      }
    }
  }

  @TearDown(Level.Trial)
  public void stopDatabase() throws IOException {
    db.close();
  }

  /** One writer (one flusher thread, as in {@code BatchingAuditWriter}). */
  @Benchmark
  @Threads(1)
  public void append(Batch batch) {
    journal.append(batch.records);
  }

  /** Two writers flushing at once through the same journal (two connections). */
  @Benchmark
  @Threads(2)
  public void appendTwoWriters(Batch batch) {
    journal.append(batch.records);
  }

  private String nextId() {
    return switch (ids) {
      case UUID_V7 -> EventIds.next();
      case RANDOM_V4 -> UUID.randomUUID().toString();
    };
  }
}
