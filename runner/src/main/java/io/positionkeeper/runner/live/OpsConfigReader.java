package io.positionkeeper.runner.live;

import io.positionkeeper.runner.alerts.AlertTarget;
import io.positionkeeper.runner.ops.Observability;
import io.positionkeeper.runner.ops.OpsSettings;
import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The metrics endpoint and the alert targets of the live configuration. Every alert address can
 * hold a secret (a bot token, a webhook's key), so addresses come from environment variables only;
 * the file names which targets to use and the Telegram chat. A refusal names the field and the fix,
 * never a value read from the environment.
 */
public final class OpsConfigReader {
  static final String WEBHOOK_URL = "KEEPER_ALERT_WEBHOOK_URL";
  static final String TELEGRAM_TOKEN = "KEEPER_TELEGRAM_BOT_TOKEN";
  static final String DISCORD_URL = "KEEPER_DISCORD_WEBHOOK_URL";
  static final String SLACK_URL = "KEEPER_SLACK_WEBHOOK_URL";

  private OpsConfigReader() {}

  public static OpsSettings read(Properties p, Map<String, String> env) {
    OpsSettings ops = OpsSettings.none();
    String port = p.getProperty("metrics.port");
    if (port != null) {
      ops = ops.withEndpoint(new Observability.Endpoint(host(p), port(port.trim())));
    }
    List<AlertTarget> targets = new ArrayList<>();
    String names = p.getProperty("alerts", "").trim();
    for (String raw : names.isEmpty() ? new String[0] : names.split(",")) {
      targets.add(target(raw.trim().toLowerCase(Locale.ROOT), p, env));
    }
    ops = ops.withAlerts(targets);
    String after = p.getProperty("alerts.unprotectedAfter");
    if (after != null) {
      ops =
          new OpsSettings(
              ops.endpoint(),
              ops.alertTargets(),
              ops.alertPolicy(),
              duration(after),
              ops.watchEvery());
    }
    return ops;
  }

  private static String host(Properties p) {
    return p.getProperty("metrics.host", "127.0.0.1").trim();
  }

  private static int port(String value) {
    try {
      int port = Integer.parseInt(value);
      if (port >= 1 && port <= 65_535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // refused below, with the fix
    }
    throw new ConfigException(
        "metrics.port", "not a port: " + value, "set metrics.port=9464 (1-65535), or remove it");
  }

  private static Duration duration(String value) {
    try {
      Duration d = Duration.parse(value.trim());
      if (!d.isNegative()) {
        return d;
      }
    } catch (DateTimeParseException e) {
      // refused below, with the fix
    }
    throw new ConfigException(
        "alerts.unprotectedAfter", "not a duration: " + value, "write e.g. PT30S");
  }

  private static AlertTarget target(String name, Properties p, Map<String, String> env) {
    return switch (name) {
      case "webhook" -> new AlertTarget.Webhook(url(env, WEBHOOK_URL, name));
      case "discord" -> new AlertTarget.Discord(url(env, DISCORD_URL, name));
      case "slack" -> new AlertTarget.Slack(url(env, SLACK_URL, name));
      case "telegram" -> {
        String chat = p.getProperty("alerts.telegram.chatId", "").trim();
        if (chat.isEmpty()) {
          throw new ConfigException(
              "alerts.telegram.chatId", "missing", "set alerts.telegram.chatId=<chat id>");
        }
        String token = env.getOrDefault(TELEGRAM_TOKEN, "").trim();
        if (token.isEmpty()) {
          throw new ConfigException(
              "alerts",
              "telegram needs a bot token",
              "set the environment variable " + TELEGRAM_TOKEN);
        }
        URI api =
            uri(
                p.getProperty("alerts.telegram.apiUrl", "https://api.telegram.org").trim(),
                "alerts.telegram.apiUrl");
        yield new AlertTarget.Telegram(api, token, chat);
      }
      default ->
          throw new ConfigException(
              "alerts",
              "unknown alert target \"" + name + "\"",
              "list some of webhook, telegram, discord, slack");
    };
  }

  private static URI url(Map<String, String> env, String variable, String target) {
    String value = env.getOrDefault(variable, "").trim();
    if (value.isEmpty()) {
      throw new ConfigException(
          "alerts", target + " needs its address", "set the environment variable " + variable);
    }
    return uri(value, variable);
  }

  /** Checks an address; the refusal does not repeat it (it may hold a token). */
  private static URI uri(String value, String field) {
    try {
      URI u = URI.create(value);
      if (("https".equals(u.getScheme()) || "http".equals(u.getScheme())) && u.getHost() != null) {
        return u;
      }
    } catch (IllegalArgumentException e) {
      // refused below, without the value
    }
    throw new ConfigException(field, "not an http(s) address", "give the full https:// address");
  }
}
