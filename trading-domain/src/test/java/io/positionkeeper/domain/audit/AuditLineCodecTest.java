package io.positionkeeper.domain.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.Severity;
import io.positionkeeper.ports.model.Symbol;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class AuditLineCodecTest {

  private static AuditRecord record(Map<String, String> payload) {
    return new AuditRecord(
        "4f7c0c59-1f3e-4a55-9a86-7e0f3f1b2c3d",
        Instant.parse("2026-03-04T05:06:07.123456789Z"),
        Exchange.BYBIT,
        Optional.of(Symbol.of("DBRUSDT")),
        OptionalLong.of(243),
        "pko-abcdefghijklmnopqrst",
        "POSITION_ADOPTED",
        Severity.WARNING,
        payload);
  }

  @Test
  void everyField_roundTrips_includingNanosAndPayloadOrder() {
    Map<String, String> payload = new LinkedHashMap<>();
    payload.put("side", "SHORT");
    payload.put("quantity", "5400");
    payload.put("entryPrice", "0.0018");
    AuditRecord original = record(payload);

    AuditRecord decoded = AuditLineCodec.decode(AuditLineCodec.encode(original));

    assertThat(decoded).isEqualTo(original);
    assertThat(decoded.payload().keySet()).containsExactly("side", "quantity", "entryPrice");
  }

  @Test
  void absentSymbolAndPositionId_roundTripAsAbsent() {
    AuditRecord original =
        new AuditRecord(
            "e-1",
            Instant.parse("2026-01-01T00:00:00Z"),
            Exchange.PAPER,
            Optional.empty(),
            OptionalLong.empty(),
            "pko-dbrusdt-1",
            "PENDING_EXPIRED",
            Severity.WARNING,
            Map.of());

    String line = AuditLineCodec.encode(original);

    assertThat(line).contains("\"symbol\":null").contains("\"positionId\":null");
    assertThat(AuditLineCodec.decode(line)).isEqualTo(original);
  }

  @Test
  void newlinesQuotesBackslashesControlsAndUnicode_stayOnOneLine_andRoundTrip() {
    String nasty =
        "line1\nline2\r\n\t\"quoted\" back\\slash \u0000\u001f\u007f 日本語 🚀 \u2028\u2029 end";
    AuditRecord original = record(Map.of("detail", nasty, "ключ \"k\"\n", "v"));

    String line = AuditLineCodec.encode(original);

    assertThat(line).doesNotContain("\n", "\r", "\u2028", "\u2029", "\u0000");
    assertThat(line).contains("日本語 🚀"); // readable in the spool, not escaped
    assertThat(AuditLineCodec.decode(line)).isEqualTo(original);
  }

  @Test
  void aLoneSurrogate_survivesTheTripThroughUtf8Bytes() {
    AuditRecord original = record(Map.of("broken", "x\ud800y\udc00z"));

    byte[] bytes = AuditLineCodec.encode(original).getBytes(StandardCharsets.UTF_8);
    AuditRecord decoded = AuditLineCodec.decode(new String(bytes, StandardCharsets.UTF_8));

    assertThat(decoded.payload().get("broken")).isEqualTo("x\ud800y\udc00z");
  }

  @Test
  void aTruncatedLine_isRefusedWithAClearError() {
    String line = AuditLineCodec.encode(record(Map.of("a", "b")));

    assertThatThrownBy(() -> AuditLineCodec.decode(line.substring(0, line.length() - 5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed audit line");
  }

  @Test
  void trailingText_anUnknownVersion_andAnInvalidRecord_areRefused() {
    String line = AuditLineCodec.encode(record(Map.of()));

    assertThatThrownBy(() -> AuditLineCodec.decode(line + "x"))
        .hasMessageContaining("unexpected text after the record");
    assertThatThrownBy(() -> AuditLineCodec.decode(line.replace("{\"v\":1", "{\"v\":2")))
        .hasMessageContaining("unsupported version 2");
    assertThatThrownBy(
            () -> AuditLineCodec.decode(line.replace("\"positionId\":243", "\"positionId\":0")))
        .hasMessageContaining("invalid record")
        .hasMessageContaining("positionId must be a database id");
    assertThatThrownBy(() -> AuditLineCodec.decode(line.replace("\"BYBIT\"", "\"KRAKEN\"")))
        .hasMessageContaining("unknown Exchange 'KRAKEN'");
  }
}
