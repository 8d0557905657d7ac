package io.positionkeeper.domain.audit;

import static io.positionkeeper.domain.audit.AuditRecords.numbered;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.ports.model.AuditRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditSpoolTest {
  @TempDir Path dir;

  private Path file() {
    return dir.resolve("audit-spool.jsonl");
  }

  private static List<String> ids(List<AuditRecord> records) {
    return records.stream().map(AuditRecord::eventId).toList();
  }

  @Test
  void recordsComeBackInOrder_andADrainedSpoolIsTruncated() throws Exception {
    try (AuditSpool spool = AuditSpool.open(file())) {
      for (int i = 1; i <= 5; i++) {
        spool.append(numbered(i));
      }

      AuditSpool.Batch first = spool.peek(3);
      assertThat(ids(first.records())).containsExactly("evt-1", "evt-2", "evt-3");
      spool.commit(first, 3);
      AuditSpool.Batch rest = spool.peek(10);
      assertThat(ids(rest.records())).containsExactly("evt-4", "evt-5");
      spool.commit(rest, 2);

      assertThat(spool.isEmpty()).isTrue();
      assertThat(Files.size(file())).isZero();
    }
  }

  @Test
  void aReopenedSpool_continuesAfterWhatWasCommitted() throws Exception {
    try (AuditSpool spool = AuditSpool.open(file())) {
      IntStream.rangeClosed(1, 4).forEach(i -> append(spool, numbered(i)));
      AuditSpool.Batch batch = spool.peek(4);
      spool.commit(batch, 2); // evt-1 and evt-2 reached the journal, then the process stopped
    }

    try (AuditSpool reopened = AuditSpool.open(file())) {
      assertThat(reopened.size()).isEqualTo(2);
      assertThat(ids(reopened.peek(10).records())).containsExactly("evt-3", "evt-4");
    }
  }

  @Test
  void aCrashBeforeTheHeadIsSaved_replaysWrittenRecords_butNeverSkipsOne() throws Exception {
    AuditSpool crashed = AuditSpool.open(file());
    IntStream.rangeClosed(1, 4).forEach(i -> append(crashed, numbered(i)));
    crashed.commit(crashed.peek(2), 2); // written to the journal; the head is not saved yet
    // The process dies here: no close.

    try (AuditSpool reopened = AuditSpool.open(file())) {
      assertThat(ids(reopened.peek(10).records()))
          .containsExactly("evt-1", "evt-2", "evt-3", "evt-4");
    }
    crashed.close();
  }

  @Test
  void aLineCutShortByACrash_isMovedToTheCorruptFile_andTheRestIsKept() throws Exception {
    try (AuditSpool spool = AuditSpool.open(file())) {
      spool.append(numbered(1));
      spool.append(numbered(2));
    }
    String partial = AuditLineCodec.encode(numbered(3)).substring(0, 40);
    Files.writeString(file(), partial, StandardCharsets.UTF_8, StandardOpenOption.APPEND);

    try (AuditSpool reopened = AuditSpool.open(file())) {
      assertThat(ids(reopened.peek(10).records())).containsExactly("evt-1", "evt-2");
      assertThat(reopened.corruptLines()).isEqualTo(1);
      reopened.append(numbered(4)); // appends start on a clean line
      assertThat(ids(reopened.peek(10).records())).containsExactly("evt-1", "evt-2", "evt-4");
    }
    assertThat(Files.readString(dir.resolve("audit-spool.jsonl.corrupt")))
        .isEqualTo(partial + "\n");
  }

  @Test
  void anUndecodableLineInTheMiddle_isQuarantinedOnce_andSkippedWhenCommitted() throws Exception {
    try (AuditSpool spool = AuditSpool.open(file())) {
      spool.append(numbered(1));
    }
    Files.writeString(file(), "{\"v\":1,garbage}\n", StandardOpenOption.APPEND);
    try (AuditSpool spool = AuditSpool.open(file())) {
      spool.append(numbered(2));

      AuditSpool.Batch once = spool.peek(10);
      AuditSpool.Batch twice = spool.peek(10); // not committed yet: read again
      assertThat(ids(twice.records())).containsExactly("evt-1", "evt-2");
      assertThat(spool.corruptLines()).isEqualTo(1);
      spool.commit(twice, 2);

      assertThat(ids(once.records())).containsExactly("evt-1", "evt-2");
      assertThat(spool.isEmpty()).isTrue();
    }
    assertThat(Files.readAllLines(dir.resolve("audit-spool.jsonl.corrupt")))
        .containsExactly("{\"v\":1,garbage}");
  }

  @Test
  void rewrite_putsOlderRecordsInFront_andNewerOnesBehind() throws Exception {
    try (AuditSpool spool = AuditSpool.open(file())) {
      spool.append(numbered(3));
      spool.append(numbered(4));
      spool.commit(spool.peek(1), 1); // evt-3 already written

      spool.rewrite(List.of(numbered(1), numbered(2)), List.of(numbered(5)));

      assertThat(spool.size()).isEqualTo(4);
      assertThat(ids(spool.peek(10).records())).containsExactly("evt-1", "evt-2", "evt-4", "evt-5");
    }
    try (AuditSpool reopened = AuditSpool.open(file())) {
      assertThat(ids(reopened.peek(10).records()))
          .containsExactly("evt-1", "evt-2", "evt-4", "evt-5");
    }
  }

  private static void append(AuditSpool spool, AuditRecord r) {
    try {
      spool.append(r);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
