package io.positionkeeper.bybit.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class SignerTest {
  private static final Credentials KEYS = Credentials.of("XXXXXXXXXX", "s3cr3tValue");

  private static String hmac(String text) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec("s3cr3tValue".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void get_signsTimestampKeyRecvWindowAndQuery_asTheGuidesExampleConcatenates() throws Exception {
    String sign =
        new Signer(KEYS)
            .signRest(1658384314791L, 5000, "category=option&symbol=BTC-29JUL22-25000-C");

    assertThat(sign)
        .isEqualTo(hmac("1658384314791XXXXXXXXXX5000category=option&symbol=BTC-29JUL22-25000-C"))
        .matches("[0-9a-f]{64}");
  }

  @Test
  void post_signsTheRawBody() throws Exception {
    assertThat(new Signer(KEYS).signRest(1658385579423L, 5000, "{\"category\": \"option\"}"))
        .isEqualTo(hmac("1658385579423XXXXXXXXXX5000{\"category\": \"option\"}"));
  }

  @Test
  void streamAuth_signsGetRealtimeAndExpires() throws Exception {
    assertThat(new Signer(KEYS).signStreamAuth(1662350400000L))
        .isEqualTo(hmac("GET/realtime1662350400000"));
  }

  @Test
  void toString_showsNoSecret() {
    assertThat(new Signer(KEYS).toString()).doesNotContain("s3cr3tValue");
  }
}
