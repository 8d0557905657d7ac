package io.positionkeeper.postgres;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Rows in the binary format of PostgreSQL's {@code COPY ... FROM STDIN (FORMAT binary)}, handed to
 * a sink in chunks as they are made. Binary values need no escaping and no parsing on the server: a
 * field is its length and its bytes (text as UTF-8, {@code bigint} as 8 bytes, {@code timestamptz}
 * as microseconds since 2000, {@code jsonb} as a version byte and the JSON text).
 */
final class CopyRows {
  /** Where the bytes go (a COPY in progress). */
  @FunctionalInterface
  interface Sink {
    void write(byte[] data, int offset, int length) throws SQLException;
  }

  /** The bytes a sink is handed at once: large enough to cost few calls, small enough to stream. */
  static final int CHUNK = 64 * 1024;

  private static final byte[] SIGNATURE = {
    'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0,
  };

  private static final byte JSONB_VERSION = 1;

  /** 2000-01-01T00:00:00Z, PostgreSQL's epoch, in Unix seconds. */
  private static final long POSTGRES_EPOCH = 946_684_800L;

  private final Sink sink;
  private final byte[] buffer = new byte[CHUNK];
  private int position;

  /** Starts the stream: the signature, no flags, no header extension. */
  CopyRows(Sink sink) {
    this.sink = sink;
    System.arraycopy(SIGNATURE, 0, buffer, 0, SIGNATURE.length);
    position = SIGNATURE.length;
    putInt(0);
    putInt(0);
  }

  void startRow(int fields) throws SQLException {
    room(2);
    putShort(fields);
  }

  void nullValue() throws SQLException {
    room(4);
    putInt(-1);
  }

  void int8(long value) throws SQLException {
    room(12);
    putInt(8);
    putLong(value);
  }

  void text(String value) throws SQLException {
    bytes(value.getBytes(StandardCharsets.UTF_8), false);
  }

  void textOrNull(String value) throws SQLException {
    if (value == null) {
      nullValue();
    } else {
      text(value);
    }
  }

  void jsonb(String json) throws SQLException {
    bytes(json.getBytes(StandardCharsets.UTF_8), true);
  }

  /**
   * A {@code timestamptz} at microsecond precision (the rest is dropped, towards the past). A time
   * whose microseconds do not fit a {@code long} is outside PostgreSQL's range whatever it is, and
   * refused here as the server would refuse it ({@code 22008}, naming the event); the server checks
   * the others.
   */
  void timestamptz(Instant time, String eventId) throws SQLException {
    long micros;
    try {
      micros =
          Math.addExact(
              Math.multiplyExact(time.getEpochSecond() - POSTGRES_EPOCH, 1_000_000L),
              time.getNano() / 1_000);
    } catch (ArithmeticException e) {
      throw new SQLException(
          "event " + eventId + ": time " + time + " is out of PostgreSQL's range", "22008", e);
    }
    int8(micros);
  }

  /** Ends the stream (the trailer) and hands over what is left. */
  void finish() throws SQLException {
    room(2);
    putShort(-1);
    flush();
  }

  private void bytes(byte[] value, boolean jsonb) throws SQLException {
    int length = value.length + (jsonb ? 1 : 0);
    room(5);
    putInt(length);
    if (jsonb) {
      buffer[position++] = JSONB_VERSION;
    }
    if (value.length > buffer.length - position) {
      flush();
    }
    if (value.length <= buffer.length - position) {
      System.arraycopy(value, 0, buffer, position, value.length);
      position += value.length;
    } else {
      // Larger than a chunk: straight to the sink, after what came before it.
      sink.write(value, 0, value.length);
    }
  }

  private void room(int bytes) throws SQLException {
    if (buffer.length - position < bytes) {
      flush();
    }
  }

  private void flush() throws SQLException {
    if (position > 0) {
      sink.write(buffer, 0, position);
      position = 0;
    }
  }

  private void putShort(int value) {
    buffer[position++] = (byte) (value >>> 8);
    buffer[position++] = (byte) value;
  }

  private void putInt(int value) {
    buffer[position++] = (byte) (value >>> 24);
    buffer[position++] = (byte) (value >>> 16);
    buffer[position++] = (byte) (value >>> 8);
    buffer[position++] = (byte) value;
  }

  private void putLong(long value) {
    putInt((int) (value >>> 32));
    putInt((int) value);
  }
}
