package io.positionkeeper.domain.audit;

import io.positionkeeper.ports.model.AuditRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local, append-only file of audit records waiting for the journal, one {@link AuditLineCodec}
 * line each, read from the front. Beside it, {@code <file>.head} holds the byte offset of the first
 * record not yet written to the journal, and {@code <file>.corrupt} receives lines that cannot be
 * decoded (a line cut short by a crash mid-append), so nothing unreadable is ever dropped unseen.
 *
 * <p>The head is persisted after the journal has the records (every megabyte of progress, when
 * drained, and at close), so a crash can only replay records, never skip one; replays are harmless
 * because the journal is idempotent by event id (a refused record may be dead-lettered twice). When
 * the spool is drained the file is truncated. Appends reach the operating system at once (they
 * survive a crash of the process); {@link #sync()} forces them to the disk.
 */
public final class AuditSpool implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AuditSpool.class);
  private static final int CHUNK = 64 * 1024;
  // The head is saved after this much progress (and when drained, and at close): a crash replays
  // at most this much, which the idempotent journal ignores, and draining does not pay a file
  // replace per batch.
  private static final long PERSIST_EVERY_BYTES = 1024 * 1024;

  private final Path file;
  private final Path headFile;
  private final Path corruptFile;
  private FileChannel channel;
  private long head;
  private long persistedHead;
  private long tail;
  private long lines;
  private long quarantinedUpTo;
  private long corruptLines;
  private boolean unsynced;

  /** What {@link #peek} read: records in order, and where each one's line ends. */
  public static final class Batch {
    private final long start;
    private final List<AuditRecord> records;
    private final long[] ends;
    private final long[] linesUpTo;
    private final long scannedTo;
    private final long scannedLines;

    private Batch(
        long start,
        List<AuditRecord> records,
        long[] ends,
        long[] linesUpTo,
        long scannedTo,
        long scannedLines) {
      this.start = start;
      this.records = List.copyOf(records);
      this.ends = ends;
      this.linesUpTo = linesUpTo;
      this.scannedTo = scannedTo;
      this.scannedLines = scannedLines;
    }

    public List<AuditRecord> records() {
      return records;
    }

    /** Whether nothing at all was read (no record and no undecodable line). */
    public boolean isEmpty() {
      return scannedTo == start;
    }
  }

  private AuditSpool(Path file) {
    this.file = file;
    this.headFile = file.resolveSibling(file.getFileName() + ".head");
    this.corruptFile = file.resolveSibling(file.getFileName() + ".corrupt");
  }

  /**
   * Opens (or creates) the spool at {@code file}, ready to be read from where the last writer
   * stopped. A partial last line, left by a crash in the middle of an append, is moved to the
   * {@code .corrupt} file.
   */
  public static AuditSpool open(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    AuditSpool spool = new AuditSpool(file);
    spool.load();
    return spool;
  }

  private void load() throws IOException {
    channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    long size = channel.size();
    head = readHead();
    if (head > size) {
      log.warn(
          "spool head {} is beyond the end of {} ({} bytes); replaying it from the start",
          head,
          file,
          size);
      head = 0;
    }
    long lastLineEnd = head;
    long count = 0;
    ByteBuffer buf = ByteBuffer.allocate(CHUNK);
    for (long p = head; p < size; ) {
      buf.clear();
      int n = channel.read(buf, p);
      if (n <= 0) {
        break;
      }
      for (int i = 0; i < n; i++) {
        if (buf.get(i) == '\n') {
          lastLineEnd = p + i + 1;
          count++;
        }
      }
      p += n;
    }
    if (lastLineEnd < size) {
      byte[] partial = new byte[(int) Math.min(size - lastLineEnd, Integer.MAX_VALUE)];
      channel.read(ByteBuffer.wrap(partial), lastLineEnd);
      quarantine(partial);
      log.error(
          "spool {} ended in a partial line of {} bytes (a crash during an append); moved to {}",
          file,
          size - lastLineEnd,
          corruptFile);
      channel.truncate(lastLineEnd);
      channel.force(true);
    }
    tail = lastLineEnd;
    lines = count;
    quarantinedUpTo = head;
    persistedHead = head;
  }

  private long readHead() throws IOException {
    if (!Files.exists(headFile)) {
      return 0;
    }
    String text = Files.readString(headFile, StandardCharsets.US_ASCII).strip();
    try {
      long value = Long.parseLong(text);
      if (value < 0) {
        throw new NumberFormatException("negative");
      }
      return value;
    } catch (NumberFormatException e) {
      log.warn("spool head file {} holds '{}'; replaying the spool from the start", headFile, text);
      return 0;
    }
  }

  private void writeHead(long value) throws IOException {
    Path tmp = headFile.resolveSibling(headFile.getFileName() + ".tmp");
    Files.writeString(tmp, Long.toString(value), StandardCharsets.US_ASCII);
    Files.move(tmp, headFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private void quarantine(byte[] line) throws IOException {
    byte[] withNewline = new byte[line.length + 1];
    System.arraycopy(line, 0, withNewline, 0, line.length);
    withNewline[line.length] = '\n';
    Files.write(corruptFile, withNewline, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    corruptLines++;
  }

  /** Appends a record at the end. */
  public synchronized void append(AuditRecord record) throws IOException {
    byte[] bytes = (AuditLineCodec.encode(record) + "\n").getBytes(StandardCharsets.UTF_8);
    if (channel == null || !channel.isOpen()) {
      // Closed: a late record still becomes durable, for the next writer to send.
      try (FileChannel late = FileChannel.open(file, StandardOpenOption.WRITE)) {
        writeFully(late, bytes, late.size());
        late.force(false);
      }
      return;
    }
    writeFully(channel, bytes, tail);
    tail += bytes.length;
    lines++;
    unsynced = true;
  }

  private static void writeFully(FileChannel ch, byte[] bytes, long at) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    long p = at;
    while (buf.hasRemaining()) {
      p += ch.write(buf, p);
    }
  }

  /**
   * Reads up to {@code max} records from the front, without consuming them. Lines that cannot be
   * decoded are moved to the {@code .corrupt} file (once) and skipped.
   */
  public synchronized Batch peek(int max) throws IOException {
    List<AuditRecord> records = new ArrayList<>();
    List<Long> ends = new ArrayList<>();
    List<Long> lineCounts = new ArrayList<>();
    ByteArrayOutputStream line = new ByteArrayOutputStream(512);
    ByteBuffer buf = ByteBuffer.allocate(CHUNK);
    long lineStart = head;
    long scannedLines = 0;
    long p = head;
    outer:
    while (p < tail && records.size() < max) {
      buf.clear();
      buf.limit((int) Math.min(CHUNK, tail - p));
      int n = channel.read(buf, p);
      if (n <= 0) {
        break;
      }
      for (int i = 0; i < n; i++) {
        byte b = buf.get(i);
        if (b != '\n') {
          line.write(b);
          continue;
        }
        long end = p + i + 1;
        scannedLines++;
        byte[] bytes = line.toByteArray();
        line.reset();
        try {
          records.add(AuditLineCodec.decode(new String(bytes, StandardCharsets.UTF_8)));
          ends.add(end);
          lineCounts.add(scannedLines);
        } catch (IllegalArgumentException e) {
          if (lineStart >= quarantinedUpTo) {
            quarantine(bytes);
            quarantinedUpTo = end;
            log.error(
                "undecodable line in spool {} at byte {} moved to {}: {}",
                file,
                lineStart,
                corruptFile,
                e.getMessage());
          }
        }
        lineStart = end;
        if (records.size() == max) {
          break outer;
        }
      }
      p += n;
    }
    return new Batch(
        head,
        records,
        ends.stream().mapToLong(Long::longValue).toArray(),
        lineCounts.stream().mapToLong(Long::longValue).toArray(),
        lineStart,
        scannedLines);
  }

  /**
   * Consumes the first {@code count} records of {@code batch} (and the undecodable lines before
   * them; all of them when {@code count} is the whole batch). When nothing is left, the file is
   * truncated.
   */
  public synchronized void commit(Batch batch, int count) throws IOException {
    if (batch.start != head) {
      throw new IllegalStateException("the spool was consumed since this batch was read");
    }
    if (count < 0 || count > batch.records.size()) {
      throw new IllegalArgumentException("count " + count + " outside the batch");
    }
    boolean all = count == batch.records.size();
    if (count == 0 && !all) {
      return;
    }
    long newHead = all ? batch.scannedTo : batch.ends[count - 1];
    long consumed = all ? batch.scannedLines : batch.linesUpTo[count - 1];
    head = newHead;
    lines -= consumed;
    if (head == tail) {
      // Persist "from the start" before truncating: a crash in between replays, never skips.
      writeHead(0);
      persistedHead = 0;
      channel.truncate(0);
      head = 0;
      tail = 0;
      lines = 0;
      quarantinedUpTo = 0;
      unsynced = false;
    } else if (head - persistedHead >= PERSIST_EVERY_BYTES) {
      writeHead(head);
      persistedHead = head;
    }
  }

  /**
   * Replaces the spool's content by {@code before}, then what it holds now, then {@code after}, in
   * that order, atomically (used at shutdown to keep the in-memory records, which are older than
   * the spooled ones, in front of them).
   */
  public synchronized void rewrite(List<AuditRecord> before, List<AuditRecord> after)
      throws IOException {
    if (before.isEmpty() && after.isEmpty()) {
      return;
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    long count = 0;
    try (FileChannel out =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      long p = 0;
      for (AuditRecord r : before) {
        byte[] bytes = (AuditLineCodec.encode(r) + "\n").getBytes(StandardCharsets.UTF_8);
        writeFully(out, bytes, p);
        p += bytes.length;
        count++;
      }
      long copied = 0;
      while (copied < tail - head) {
        long n = channel.transferTo(head + copied, tail - head - copied, out.position(p + copied));
        if (n <= 0) {
          throw new IOException("could not copy the spool's records to " + tmp);
        }
        copied += n;
      }
      p += copied;
      count += lines;
      for (AuditRecord r : after) {
        byte[] bytes = (AuditLineCodec.encode(r) + "\n").getBytes(StandardCharsets.UTF_8);
        writeFully(out, bytes, p);
        p += bytes.length;
        count++;
      }
      out.force(true);
    }
    // Head to 0 first: a crash before the move replays the old file, never skips the new one.
    writeHead(0);
    persistedHead = 0;
    channel.close();
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    head = 0;
    tail = channel.size();
    lines = count;
    quarantinedUpTo = 0;
    unsynced = false;
  }

  /** Forces appended records to the disk. */
  public synchronized void sync() throws IOException {
    if (unsynced && channel != null && channel.isOpen()) {
      channel.force(false);
      unsynced = false;
    }
  }

  /** Whether no record is waiting. */
  public synchronized boolean isEmpty() {
    return head == tail;
  }

  /** How many lines are waiting (undecodable ones not yet seen included). */
  public synchronized long size() {
    return lines;
  }

  /** How many lines were moved to the {@code .corrupt} file since this spool was opened. */
  public synchronized long corruptLines() {
    return corruptLines;
  }

  /** The spool file. */
  public Path file() {
    return file;
  }

  @Override
  public synchronized void close() throws IOException {
    if (channel != null && channel.isOpen()) {
      sync();
      if (head != persistedHead) {
        writeHead(head);
        persistedHead = head;
      }
      channel.close();
    }
  }
}
