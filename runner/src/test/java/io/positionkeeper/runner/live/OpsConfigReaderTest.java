package io.positionkeeper.runner.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.runner.alerts.AlertTarget;
import io.positionkeeper.runner.ops.OpsSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The metrics and alerts keys of the live file; addresses only from the environment. */
class OpsConfigReaderTest {
  private static Properties props(String... kv) {
    Properties p = new Properties();
    for (int i = 0; i < kv.length; i += 2) {
      p.setProperty(kv[i], kv[i + 1]);
    }
    return p;
  }

  @Test
  void nothingConfigured_meansNoEndpointAndNoAlerts() {
    OpsSettings ops = OpsConfigReader.read(props(), Map.of());
    assertThat(ops.endpoint()).isEmpty();
    assertThat(ops.alertTargets()).isEmpty();
  }

  @Test
  void portHostTargetsAndBound_areRead_withAddressesFromTheEnvironment() {
    OpsSettings ops =
        OpsConfigReader.read(
            props(
                "metrics.port", "9464",
                "metrics.host", "0.0.0.0",
                "alerts", "telegram, slack",
                "alerts.telegram.chatId", "-100123",
                "alerts.unprotectedAfter", "PT10S"),
            Map.of(
                "KEEPER_TELEGRAM_BOT_TOKEN", "999:SECRET",
                "KEEPER_SLACK_WEBHOOK_URL", "https://hooks.slack.test/services/SECRET"));
    assertThat(ops.endpoint().orElseThrow().port()).isEqualTo(9464);
    assertThat(ops.endpoint().orElseThrow().host()).isEqualTo("0.0.0.0");
    assertThat(ops.alertTargets()).hasSize(2);
    AlertTarget.Telegram telegram = (AlertTarget.Telegram) ops.alertTargets().get(0);
    assertThat(telegram.uri().toString())
        .isEqualTo("https://api.telegram.org/bot999:SECRET/sendMessage");
    assertThat(ops.unprotectedBound()).isEqualTo(Duration.ofSeconds(10));
    assertThat(ops.toString()).doesNotContain("SECRET");
  }

  @Test
  void refusals_nameTheFieldAndTheFix_andNeverRepeatASecret() {
    assertThatThrownBy(() -> OpsConfigReader.read(props("metrics.port", "http"), Map.of()))
        .hasMessageContaining("metrics.port")
        .hasMessageContaining("9464");
    assertThatThrownBy(() -> OpsConfigReader.read(props("alerts", "discord"), Map.of()))
        .hasMessageContaining("KEEPER_DISCORD_WEBHOOK_URL");
    assertThatThrownBy(() -> OpsConfigReader.read(props("alerts", "pager"), Map.of()))
        .hasMessageContaining("unknown alert target");
    assertThatThrownBy(
            () ->
                OpsConfigReader.read(
                    props("alerts", "webhook"),
                    Map.of("KEEPER_ALERT_WEBHOOK_URL", "ftp://SECRET@example")))
        .hasMessageContaining("KEEPER_ALERT_WEBHOOK_URL")
        .hasMessageNotContaining("SECRET");
  }
}
