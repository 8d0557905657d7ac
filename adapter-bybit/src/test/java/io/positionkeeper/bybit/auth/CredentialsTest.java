package io.positionkeeper.bybit.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.bybit.config.BybitConfig.Network;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CredentialsTest {
  private static final Map<String, String> ENV =
      Map.of(
          "BYBIT_API_KEY", "mainKey1234567",
          "BYBIT_API_SECRET", "mainSecretABCDEF",
          "BYBIT_TESTNET_API_KEY", "testKey1234567",
          "BYBIT_TESTNET_API_SECRET", "testSecretABCDEF",
          "BYBIT_DEMO_API_KEY", "demoKey1234567",
          "BYBIT_DEMO_API_SECRET", "demoSecretABCDEF");

  @Test
  void eachNetwork_readsItsOwnVariables() {
    assertThat(Credentials.fromEnvironment(ENV, Network.MAINNET).apiKey())
        .isEqualTo("mainKey1234567");
    assertThat(Credentials.fromEnvironment(ENV, Network.TESTNET).apiKey())
        .isEqualTo("testKey1234567");
    assertThat(Credentials.fromEnvironment(ENV, Network.DEMO).apiKey()).isEqualTo("demoKey1234567");
  }

  @Test
  void aMissingVariable_isNamed_withoutAnyValue() {
    assertThatThrownBy(
            () ->
                Credentials.fromEnvironment(
                    Map.of("BYBIT_DEMO_API_KEY", "k123456789"), Network.DEMO))
        .hasMessageContaining("BYBIT_DEMO_API_SECRET")
        .hasMessageNotContaining("k123456789");
  }

  @Test
  void toString_masksTheKey_andHidesTheSecret() {
    String text = Credentials.fromEnvironment(ENV, Network.MAINNET).toString();

    assertThat(text).doesNotContain("mainKey1234567").doesNotContain("mainSecretABCDEF");
    assertThat(text).contains("ma…67");
  }

  @Test
  void aNonPrintableCharacter_isRefused_withoutEchoingTheToken() {
    assertThatThrownBy(() -> Credentials.of("abc\ndefghij", "secretsecret"))
        .hasMessageContaining("index 3")
        .hasMessageNotContaining("abc");
  }
}
