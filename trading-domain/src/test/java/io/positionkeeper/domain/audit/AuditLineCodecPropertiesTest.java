package io.positionkeeper.domain.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.Severity;
import io.positionkeeper.ports.model.Symbol;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Any record, with any text in its free fields, survives encode → UTF-8 → decode unchanged. */
class AuditLineCodecPropertiesTest {

  @Property(tries = 1000)
  void anyRecord_roundTripsThroughOneUtf8Line(@ForAll("records") AuditRecord record) {
    String line = AuditLineCodec.encode(record);
    byte[] onDisk = line.getBytes(StandardCharsets.UTF_8);

    assertThat(line).doesNotContain("\n", "\r");
    assertThat(AuditLineCodec.decode(new String(onDisk, StandardCharsets.UTF_8))).isEqualTo(record);
  }

  @Provide
  Arbitrary<AuditRecord> records() {
    Arbitrary<String> anyText = Arbitraries.strings().all().ofMaxLength(40);
    Arbitrary<String> nonBlank = anyText.filter(s -> !s.isBlank());
    Arbitrary<Map<String, String>> payload = Arbitraries.maps(nonBlank, anyText).ofMaxSize(5);
    Arbitrary<Optional<Symbol>> symbol =
        Arbitraries.of("BTCUSDT", "1000WHYUSDT", "币安人生USDT").map(Symbol::of).optional();
    Arbitrary<OptionalLong> positionId =
        Arbitraries.longs()
            .between(1, Long.MAX_VALUE)
            .optional()
            .map(o -> o.map(OptionalLong::of).orElse(OptionalLong.empty()));
    Arbitrary<Instant> time =
        Arbitraries.longs()
            .between(0, 4_102_444_800L)
            .flatMap(
                s ->
                    Arbitraries.integers()
                        .between(0, 999_999_999)
                        .map(n -> Instant.ofEpochSecond(s, n)));
    return Combinators.combine(
            Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(64),
            time,
            Arbitraries.of(Exchange.class),
            symbol,
            positionId,
            nonBlank,
            Arbitraries.of(Severity.class),
            payload)
        .as(
            (id, t, ex, sym, pid, key, sev, p) ->
                new AuditRecord(id, t, ex, sym, pid, key, "SOME_EVENT", sev, p));
  }
}
