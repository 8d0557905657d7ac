package io.positionkeeper.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** COPY's binary format, byte for byte, as PostgreSQL's documentation lays it out. */
class CopyRowsTest {
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private final List<Integer> writes = new ArrayList<>();

  private CopyRows rows() {
    return new CopyRows(
        (data, offset, length) -> {
          received.write(data, offset, length);
          writes.add(length);
        });
  }

  @Test
  void oneRowOfEveryKindOfValue_isTheHeaderTheFieldsAndTheTrailer() throws SQLException {
    CopyRows rows = rows();
    rows.startRow(5);
    rows.text("Ⓢ1");
    rows.int8(42);
    rows.nullValue();
    rows.jsonb("{}");
    rows.timestamptz(Instant.parse("2000-01-01T00:00:01.000002999Z"), "e");
    rows.finish();

    ByteBuffer expected = ByteBuffer.allocate(200);
    expected.put("PGCOPY\n".getBytes(StandardCharsets.US_ASCII)).put((byte) 0xFF);
    expected.put("\r\n".getBytes(StandardCharsets.US_ASCII)).put((byte) 0);
    expected.putInt(0).putInt(0); // flags, header extension
    expected.putShort((short) 5);
    expected.putInt(4).put(new byte[] {(byte) 0xE2, (byte) 0x93, (byte) 0x88, '1'});
    expected.putInt(8).putLong(42);
    expected.putInt(-1);
    expected.putInt(3).put((byte) 1).put("{}".getBytes(StandardCharsets.US_ASCII));
    // Microseconds since 2000-01-01, the nanoseconds beyond them dropped.
    expected.putInt(8).putLong(1_000_002);
    expected.putShort((short) -1);
    byte[] bytes = new byte[expected.position()];
    expected.flip().get(bytes);

    assertThat(received.toByteArray()).isEqualTo(bytes);
  }

  @Test
  void timesBeforeTwoThousand_countBackwards_droppingTowardsThePast() throws SQLException {
    CopyRows rows = rows();
    rows.timestamptz(Instant.parse("1999-12-31T23:59:59.9999995Z"), "e");
    rows.finish();

    ByteBuffer tail = ByteBuffer.wrap(received.toByteArray(), 19, 12);
    assertThat(tail.getInt()).isEqualTo(8);
    assertThat(tail.getLong()).isEqualTo(-1);
  }

  @Test
  void aTimeBeyondEveryMicrosecondALongHolds_isRefusedAsPostgresWouldRefuseIt() {
    CopyRows rows = rows();

    assertThatThrownBy(() -> rows.timestamptz(Instant.MAX, "e-1"))
        .isInstanceOfSatisfying(
            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("22008"))
        .hasMessageContaining("event e-1")
        .hasMessageContaining("out of PostgreSQL's range");
  }

  @Test
  void manyRows_goOutInChunks_andAValueLargerThanAChunk_inItsPlace() throws SQLException {
    CopyRows rows = rows();
    String big = "x".repeat(CopyRows.CHUNK * 2 + 7);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.writeBytes(received.toByteArray()); // the header, still buffered: nothing sent yet
    assertThat(writes).isEmpty();

    for (int i = 0; i < 10_000; i++) {
      rows.startRow(1);
      rows.text(i == 5_000 ? big : "row " + i);
    }
    rows.finish();

    ByteBuffer all = ByteBuffer.wrap(received.toByteArray());
    all.position(19);
    for (int i = 0; i < 10_000; i++) {
      assertThat(all.getShort()).isEqualTo((short) 1);
      byte[] value = new byte[all.getInt()];
      all.get(value);
      assertThat(new String(value, StandardCharsets.UTF_8))
          .isEqualTo(i == 5_000 ? big : "row " + i);
    }
    assertThat(all.getShort()).isEqualTo((short) -1);
    assertThat(all.hasRemaining()).isFalse();
    assertThat(writes).allMatch(n -> n <= CopyRows.CHUNK || n == big.length());
    assertThat(writes.size()).isGreaterThan(2);
  }
}
