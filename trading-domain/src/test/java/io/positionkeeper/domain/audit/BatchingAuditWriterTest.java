package io.positionkeeper.domain.audit;

import static io.positionkeeper.domain.audit.AuditRecords.numbered;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.domain.retry.Backoff;
import io.positionkeeper.ports.AuditJournal;
import io.positionkeeper.ports.PersistenceException;
import io.positionkeeper.ports.fake.InMemoryAccountLease;
import io.positionkeeper.ports.fake.InMemoryAuditJournal;
import io.positionkeeper.ports.fake.InMemoryDeadLetterStore;
import io.positionkeeper.ports.fake.ManualClock;
import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.Lease;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchingAuditWriterTest {
  private static final AuditWriterPolicy POLICY =
      new AuditWriterPolicy(
          1_000,
          100,
          Duration.ofSeconds(1),
          new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30)));

  @TempDir Path dir;
  private final ManualClock clock = ManualClock.atDefaultStart();
  private final InMemoryAuditJournal journal = new InMemoryAuditJournal();
  private final InMemoryDeadLetterStore deadLetters = new InMemoryDeadLetterStore();
  private final List<BatchingAuditWriter> opened = new ArrayList<>();

  private BatchingAuditWriter writer(AuditWriterPolicy policy) throws Exception {
    BatchingAuditWriter w =
        new BatchingAuditWriter(
            journal, deadLetters, AuditSpool.open(dir.resolve("spool.jsonl")), clock, policy);
    opened.add(w);
    return w;
  }

  @AfterEach
  void closeWriters() {
    journal.setAvailable(true);
    opened.forEach(BatchingAuditWriter::close);
  }

  private static List<String> ids(List<AuditRecord> records) {
    return records.stream().map(AuditRecord::eventId).toList();
  }

  private static List<String> ids(int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(i -> "evt-" + i).toList();
  }

  /**
   * In the bot this project replaces, one bad row (a position id "pending" in an integer column)
   * failed a whole batched insert and lost every event in it.
   */
  @Test
  void aPoisonEventInABatchOf50_49AreWritten_andItIsDeadLetteredWithItsReason() throws Exception {
    BatchingAuditWriter w =
        writer(new AuditWriterPolicy(1_000, 50, Duration.ofSeconds(1), Backoff.standard()));
    journal.rejectWhen(
        r -> r.eventId().equals("evt-37"),
        "invalid input for query argument $4: 'pending' (str cannot be interpreted as an integer)");
    IntStream.rangeClosed(1, 50).forEach(i -> w.submit(numbered(i)));

    int written = w.flush();

    assertThat(written).isEqualTo(49);
    assertThat(ids(journal.records()))
        .containsExactlyElementsOf(ids(1, 50).stream().filter(id -> !id.equals("evt-37")).toList());
    assertThat(deadLetters.letters())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.record().eventId()).isEqualTo("evt-37");
              assertThat(d.reason())
                  .startsWith("CONSTRAINT_VIOLATION: ")
                  .contains("'pending'")
                  .contains("evt-37");
            });
    // Halving finds one bad record in a handful of calls, not 50.
    assertThat(journal.appendCalls()).isLessThanOrEqualTo(1 + 2 * 6);
    assertThat(w.stats().pending()).isZero();
    assertThat(w.stats().deadLettered()).isEqualTo(1);
  }

  /**
   * A journal that throws outside the port's taxonomy for one record (the driver's raw {@code
   * DateTimeException} for a time it cannot convert, say) must not be taken for an outage: retried
   * for ever, it stopped the 50 good records behind it and dead-lettered nothing.
   */
  @Test
  void aRawExceptionForOneRecordAhead_ofFiftyGood_isDeadLetteredWithItsReason_andTheFiftyWritten()
      throws Exception {
    AuditJournal throwing =
        batch -> {
          if (batch.stream().anyMatch(r -> r.eventId().equals("evt-1"))) {
            throw new DateTimeException("Invalid value for Year: 1000000000");
          }
          journal.append(batch);
        };
    BatchingAuditWriter w =
        new BatchingAuditWriter(
            throwing,
            deadLetters,
            AuditSpool.open(dir.resolve("raw.jsonl")),
            clock,
            new AuditWriterPolicy(1_000, 100, Duration.ofSeconds(1), Backoff.standard()));
    opened.add(w);
    IntStream.rangeClosed(1, 51).forEach(i -> w.submit(numbered(i)));

    int written = w.flush();

    assertThat(written).isEqualTo(50);
    assertThat(ids(journal.records())).containsExactlyElementsOf(ids(2, 51));
    assertThat(deadLetters.letters())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.record().eventId()).isEqualTo("evt-1");
              assertThat(d.reason())
                  .contains("java.time.DateTimeException")
                  .contains("Invalid value for Year");
            });
    assertThat(w.stats().pending()).isZero();
    assertThat(w.retryAt()).isEmpty();
  }

  /** An outage is not a refusal: nothing is dead-lettered, everything waits and goes later. */
  @Test
  void anOutage_deadLettersNothing_andKeepsTheBatch() throws Exception {
    BatchingAuditWriter w = writer(POLICY);
    IntStream.rangeClosed(1, 10).forEach(i -> w.submit(numbered(i)));
    journal.setAvailable(false);

    assertThat(w.flush()).isZero();
    assertThat(deadLetters.letters()).isEmpty();
    assertThat(w.stats().pending()).isEqualTo(10);

    journal.setAvailable(true);
    assertThat(w.flush()).isEqualTo(10);
    assertThat(ids(journal.records())).containsExactlyElementsOf(ids(1, 10));
  }

  /**
   * A stale lease is the runner's problem, not a record's: the batch stops at the first refusal
   * (one journal call, not a split down to single records), nothing is dead-lettered, everything
   * stays queued, and the writer of the runner that holds the lease now sends it all.
   */
  @Test
  void aStaleLease_stopsTheBatch_withoutSplittingOrDeadLettering_andTheNewHolderSendsItAll()
      throws Exception {
    InMemoryAccountLease leases = new InMemoryAccountLease(clock);
    AccountId account = AccountId.of("acct-1");
    Lease old = leases.acquire(account, "runner-a", Duration.ofSeconds(10));
    clock.advance(Duration.ofSeconds(11));
    Lease current = leases.acquire(account, "runner-b", Duration.ofSeconds(60));
    InMemoryAuditJournal staleJournal = journal.fencedBy(old, leases);
    BatchingAuditWriter stale =
        new BatchingAuditWriter(
            staleJournal, deadLetters, AuditSpool.open(dir.resolve("spool.jsonl")), clock, POLICY);
    opened.add(stale);
    IntStream.rangeClosed(1, 8).forEach(i -> stale.submit(numbered(i)));

    assertThat(stale.flush()).isZero();

    assertThat(staleJournal.faults().calls(InMemoryAuditJournal.Op.APPEND)).isEqualTo(1);
    assertThat(deadLetters.letters()).isEmpty();
    assertThat(stale.stats().deadLettered()).isZero();
    assertThat(stale.stats().pending()).isEqualTo(8);
    assertThat(staleJournal.records()).isEmpty();
    stale.close();

    InMemoryAuditJournal currentJournal = journal.fencedBy(current, leases);
    BatchingAuditWriter next =
        new BatchingAuditWriter(
            currentJournal,
            deadLetters,
            AuditSpool.open(dir.resolve("spool.jsonl")),
            clock,
            POLICY);
    opened.add(next);
    next.flush();
    assertThat(ids(currentJournal.records())).containsExactlyElementsOf(ids(1, 8));
  }

  @Test
  void twoPoisonEvents_bothIsolated_everythingElseWritten() throws Exception {
    BatchingAuditWriter w = writer(POLICY);
    journal.rejectWhen(r -> r.eventId().equals("evt-1") || r.eventId().equals("evt-100"), "bad");
    IntStream.rangeClosed(1, 100).forEach(i -> w.submit(numbered(i)));

    w.flush();

    assertThat(journal.records()).hasSize(98);
    assertThat(deadLetters.letters())
        .extracting(d -> d.record().eventId())
        .containsExactly("evt-1", "evt-100");
  }

  /**
   * The journal is down for 10 simulated minutes while events keep coming (10 per second). Memory
   * holds its bound, the rest goes to the spool, every attempt fails and is retried with backoff;
   * when the journal is back, everything is written, in order, and nothing twice.
   */
  @Test
  void journalDownFor10Minutes_everythingIsWrittenOnceItIsBack_inOrder_noneTwice()
      throws Exception {
    BatchingAuditWriter w = writer(POLICY);
    journal.setAvailable(false);
    int events = 0;
    int maxInMemory = 0;
    for (long ms = 0; ms < Duration.ofMinutes(10).toMillis(); ms += 100) {
      w.submit(numbered(++events));
      w.tick();
      maxInMemory = Math.max(maxInMemory, w.stats().inMemory());
      clock.advance(Duration.ofMillis(100));
    }
    AuditWriterStats during = w.stats();
    assertThat(events).isEqualTo(6_000);
    assertThat(journal.records()).isEmpty();
    assertThat(during.pending()).isEqualTo(6_000);
    assertThat(maxInMemory).isEqualTo(POLICY.memoryCapacity());
    assertThat(during.inSpool()).isEqualTo(5_000);
    // Backoff: a few dozen attempts in 10 minutes, not one per tick.
    assertThat(during.journalFailures()).isBetween(10L, 40L);

    journal.setAvailable(true);
    clock.advance(Duration.ofSeconds(30)); // the longest backoff
    w.tick();

    assertThat(ids(journal.records())).containsExactlyElementsOf(ids(1, 6_000));
    assertThat(journal.duplicatesIgnored()).isZero();
    assertThat(deadLetters.letters()).isEmpty();
    assertThat(w.stats().pending()).isZero();
    assertThat(Files.size(dir.resolve("spool.jsonl"))).isZero();
  }

  @Test
  void onceSpilling_newRecordsFollowTheSpool_evenWhenMemoryHasRoomAgain() throws Exception {
    BatchingAuditWriter w =
        writer(new AuditWriterPolicy(3, 2, Duration.ofSeconds(1), Backoff.standard()));
    journal.setAvailable(false);
    IntStream.rangeClosed(1, 5).forEach(i -> w.submit(numbered(i))); // 3 in memory, 2 spooled
    journal.setAvailable(true);
    journal.faults().failAfter(InMemoryAuditJournal.Op.APPEND, 2, new PersistenceException("down"));

    w.flush(); // writes evt-1..2, evt-3, then fails: memory empty, spool still holds evt-4..5
    w.submit(numbered(6)); // memory has room, but it must queue behind the spool
    journal.faults().clear(InMemoryAuditJournal.Op.APPEND);
    w.flush();

    assertThat(ids(journal.records())).containsExactlyElementsOf(ids(1, 6));
    assertThat(w.stats().spooled()).isEqualTo(3);
  }

  @Test
  void tick_waitsForTheIntervalOrAFullBatch() throws Exception {
    BatchingAuditWriter w = writer(POLICY);
    IntStream.rangeClosed(1, 3).forEach(i -> w.submit(numbered(i)));

    assertThat(w.tick()).isZero();
    clock.advance(Duration.ofMillis(999));
    assertThat(w.tick()).isZero();
    clock.advance(Duration.ofMillis(1));
    assertThat(w.tick()).isEqualTo(3);

    IntStream.rangeClosed(4, 103).forEach(i -> w.submit(numbered(i)));
    assertThat(w.tick()).isEqualTo(100); // a full batch goes at once
  }

  @Test
  void afterAFailure_tickWaitsForTheBackoff_butAnExplicitFlushTriesAtOnce() throws Exception {
    BatchingAuditWriter w = writer(POLICY);
    journal.setAvailable(false);
    w.submit(numbered(1));
    w.flush();
    journal.setAvailable(true);

    assertThat(w.retryAt()).contains(clock.now().plusMillis(500));
    assertThat(w.tick()).isZero();
    clock.advance(Duration.ofMillis(500));
    assertThat(w.tick()).isEqualTo(1);
    assertThat(w.retryAt()).isEmpty();
  }

  @Test
  void closeWithTheJournalDown_leavesEverythingInTheSpool_andTheNextWriterSendsItFirst()
      throws Exception {
    BatchingAuditWriter first =
        writer(new AuditWriterPolicy(5, 5, Duration.ofSeconds(1), Backoff.standard()));
    journal.setAvailable(false);
    IntStream.rangeClosed(1, 8).forEach(i -> first.submit(numbered(i))); // 5 memory + 3 spool
    first.close();
    first.submit(numbered(9)); // a straggler after close is kept, not lost

    journal.setAvailable(true);
    BatchingAuditWriter second = writer(POLICY);
    assertThat(second.stats().inSpool()).isEqualTo(9);
    second.submit(numbered(10));
    second.flush();

    assertThat(ids(journal.records())).containsExactlyElementsOf(ids(1, 10));
  }

  @Test
  void aDeadLetterStoreThatIsDown_keepsThePoisonQueued_untilItCanBeDeadLettered() throws Exception {
    BatchingAuditWriter w = writer(POLICY);
    journal.rejectWhen(r -> r.eventId().equals("evt-2"), "bad row");
    deadLetters
        .faults()
        .failNext(InMemoryDeadLetterStore.Op.DEAD_LETTER, new PersistenceException("down"));
    IntStream.rangeClosed(1, 4).forEach(i -> w.submit(numbered(i)));

    w.flush();
    assertThat(ids(journal.records())).containsExactly("evt-1");
    assertThat(w.stats().pending()).isEqualTo(3);

    w.flush();
    assertThat(ids(journal.records())).containsExactly("evt-1", "evt-3", "evt-4");
    assertThat(deadLetters.letters())
        .singleElement()
        .satisfies(d -> assertThat(d.record().eventId()).isEqualTo("evt-2"));
  }

  @Test
  void aSpoolThatCannotBeWritten_keepsRecordsInMemoryBeyondTheBound_countedAndInOrder()
      throws Exception {
    AuditSpool spool = AuditSpool.open(dir.resolve("gone.jsonl"));
    BatchingAuditWriter w =
        new BatchingAuditWriter(
            journal,
            deadLetters,
            spool,
            clock,
            new AuditWriterPolicy(2, 10, Duration.ofSeconds(1), Backoff.standard()));
    spool.close();
    Files.delete(dir.resolve("gone.jsonl")); // the spool's disk went away
    journal.setAvailable(false);

    IntStream.rangeClosed(1, 5).forEach(i -> w.submit(numbered(i)));
    assertThat(w.stats().inMemory()).isEqualTo(2);
    assertThat(w.stats().inOverflow()).isEqualTo(3);
    assertThat(w.stats().spoolFailures()).isEqualTo(1);

    journal.setAvailable(true);
    w.flush();
    assertThat(ids(journal.records())).containsExactlyElementsOf(ids(1, 5));
  }

  @Test
  void withTheFlusherThreadRunning_recordsFromTwoThreadsAreAllWrittenOnce_byClose()
      throws Exception {
    BatchingAuditWriter w =
        new BatchingAuditWriter(
            journal,
            deadLetters,
            AuditSpool.open(dir.resolve("threads.jsonl")),
            io.positionkeeper.ports.Clock.system(),
            new AuditWriterPolicy(500, 50, Duration.ofMillis(5), Backoff.standard()));
    w.startFlusher();
    Thread a =
        Thread.ofPlatform()
            .start(() -> IntStream.range(0, 5_000).forEach(i -> w.submit(numbered(2 * i))));
    Thread b =
        Thread.ofPlatform()
            .start(() -> IntStream.range(0, 5_000).forEach(i -> w.submit(numbered(2 * i + 1))));
    a.join();
    b.join();

    w.close();

    assertThat(journal.records()).hasSize(10_000);
    assertThat(journal.duplicatesIgnored()).isZero();
    assertThat(w.stats().pending()).isZero();
    // Each thread's records keep their order.
    List<Integer> evens =
        journal.records().stream()
            .map(r -> Integer.parseInt(r.payload().get("n")))
            .filter(n -> n % 2 == 0)
            .toList();
    assertThat(evens).isSorted();
  }

  @Test
  void startingTheFlusherTwice_isRefused() throws Exception {
    BatchingAuditWriter w = writer(POLICY);
    w.startFlusher();

    assertThatThrownBy(w::startFlusher).isInstanceOf(IllegalStateException.class);
  }
}
