package io.positionkeeper.binance.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CredentialsTest {
  private static final String KEY =
      "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
  private static final String SECRET =
      "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";

  @Test
  void productionKeys_comeFromBinanceApiKeyAndSecret() {
    Credentials c =
        Credentials.fromEnvironment(
            Map.of(
                "BINANCE_API_KEY",
                KEY,
                "BINANCE_API_SECRET",
                SECRET,
                "BINANCE_TESTNET_API_KEY",
                "other",
                "BINANCE_TESTNET_API_SECRET",
                "other"),
            false);

    assertThat(c.apiKey()).isEqualTo(KEY);
    assertThat(new RequestSigner(c).sign("a=1"))
        .isEqualTo(new RequestSigner(Credentials.of(KEY, SECRET)).sign("a=1"));
  }

  @Test
  void testnetKeys_comeFromTheTestnetVariables() {
    Credentials c =
        Credentials.fromEnvironment(
            Map.of(
                "BINANCE_API_KEY",
                "prod",
                "BINANCE_API_SECRET",
                "prod",
                "BINANCE_TESTNET_API_KEY",
                KEY,
                "BINANCE_TESTNET_API_SECRET",
                SECRET),
            true);

    assertThat(c.apiKey()).isEqualTo(KEY);
  }

  @Test
  void aMissingVariable_isNamed_withoutShowingTheOtherValue() {
    assertThatThrownBy(() -> Credentials.fromEnvironment(Map.of("BINANCE_API_KEY", KEY), false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("BINANCE_API_SECRET")
        .hasMessageNotContaining(KEY);
    assertThatThrownBy(() -> Credentials.fromEnvironment(Map.of(), true))
        .hasMessageContaining("BINANCE_TESTNET_API_KEY");
  }

  @Test
  void toString_showsNeitherKeyNorSecret() {
    String text = Credentials.of(KEY, SECRET).toString();

    assertThat(text).doesNotContain(KEY).doesNotContain(SECRET).contains("redacted");
  }

  @Test
  void aPastedLineBreak_isRefused_withoutEchoingTheToken() {
    assertThatThrownBy(() -> Credentials.of(KEY, SECRET + "\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("index 64")
        .hasMessageNotContaining(SECRET);
  }
}
