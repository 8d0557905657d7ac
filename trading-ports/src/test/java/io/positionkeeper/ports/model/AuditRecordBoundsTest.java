package io.positionkeeper.ports.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** A record a journal could not keep is refused where it is made, saying why. */
class AuditRecordBoundsTest {

  private static AuditRecord record(Instant time, String key) {
    return new AuditRecord(
        "e-1",
        time,
        Exchange.BINANCE,
        Optional.empty(),
        OptionalLong.empty(),
        key,
        "ORDER_PLACED",
        Severity.INFO,
        Map.of());
  }

  @Test
  void timeOutsidePostgresRange_isRefusedWhereTheRecordIsMade() {
    assertThatThrownBy(() -> record(Instant.MAX, "k"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside what a journal keeps");
    assertThatThrownBy(() -> record(Instant.MIN, "k"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside what a journal keeps");
    assertThat(record(AuditRecord.MAX_TIME, "k").time()).isEqualTo(AuditRecord.MAX_TIME);
    assertThat(record(AuditRecord.MIN_TIME, "k").time()).isEqualTo(AuditRecord.MIN_TIME);
  }

  @Test
  void correlationKeyLongerThanTheBound_isRefused_andFitCorrelationKeyMakesOneThatFits() {
    String tooLong = "k".repeat(AuditRecord.MAX_CORRELATION_KEY + 1);
    assertThatThrownBy(() -> record(Instant.EPOCH, tooLong))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most " + AuditRecord.MAX_CORRELATION_KEY);

    String fitted = AuditRecord.fitCorrelationKey(tooLong);
    assertThat(fitted).hasSizeLessThanOrEqualTo(AuditRecord.MAX_CORRELATION_KEY);
    assertThat(record(Instant.EPOCH, fitted).correlationKey()).startsWith("kkkk");
    assertThat(AuditRecord.fitCorrelationKey(tooLong + "a"))
        .isNotEqualTo(AuditRecord.fitCorrelationKey(tooLong + "b"));
    assertThat(AuditRecord.fitCorrelationKey("short")).isEqualTo("short");
  }

  @Test
  void fitCorrelationKey_neverCutsASurrogatePair() {
    String emoji = "\uD83D\uDE00";
    String key = "a" + emoji.repeat(1000);
    String fitted = AuditRecord.fitCorrelationKey(key);
    int cut = fitted.indexOf('~');
    assertThat(Character.isHighSurrogate(fitted.charAt(cut - 1))).isFalse();
    assertThat(record(Instant.EPOCH, fitted)).isNotNull();
  }

  @Test
  void fitTime_clampsIntoTheRange() {
    assertThat(AuditRecord.fitTime(Instant.MAX)).isEqualTo(AuditRecord.MAX_TIME);
    assertThat(AuditRecord.fitTime(Instant.MIN)).isEqualTo(AuditRecord.MIN_TIME);
    assertThat(AuditRecord.fitTime(Instant.EPOCH)).isEqualTo(Instant.EPOCH);
  }
}
