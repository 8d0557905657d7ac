package io.positionkeeper.bybit.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetCodeTest {
  @ParameterizedTest
  @CsvSource({
    "0, OK",
    "34040, NOT_MODIFIED",
    "110043, NOT_MODIFIED",
    "110025, NOT_MODIFIED",
    "110026, NOT_MODIFIED",
    "10006, RATE_LIMITED",
    "10018, RATE_LIMITED",
    "10002, CLOCK_SKEW",
    "10016, SERVER_ERROR",
    "10001, REJECTED",
    "10004, REJECTED",
    "110007, REJECTED",
    "110072, REJECTED",
    "110094, REJECTED"
  })
  void eachDocumentedCode_hasItsMeaning(int code, RetCode meaning) {
    assertThat(RetCode.of(code)).isEqualTo(meaning);
  }
}
