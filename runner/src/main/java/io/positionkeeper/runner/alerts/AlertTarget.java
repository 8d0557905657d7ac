package io.positionkeeper.runner.alerts;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.net.URI;
import java.util.Objects;

/**
 * Where alerts go, and the body each expects. Every target's address may hold a secret (a bot
 * token, a webhook's key), so {@link #toString()} and {@link #name()} never show it: logs and
 * errors name the target by its kind only.
 */
public sealed interface AlertTarget {
  Gson GSON = new Gson();

  /** The target as logs may name it. */
  String name();

  /** The address the alert is posted to (secret: never logged). */
  URI uri();

  /** The JSON body for {@code alert}. */
  String body(Alert alert);

  /** A generic webhook: the alert as a JSON object. */
  record Webhook(URI uri) implements AlertTarget {
    public Webhook {
      Objects.requireNonNull(uri, "uri");
    }

    public String name() {
      return "webhook";
    }

    public String body(Alert alert) {
      JsonObject o = new JsonObject();
      o.addProperty("kind", alert.kind().name());
      o.addProperty("at", alert.at().toString());
      o.addProperty("title", alert.title());
      JsonObject details = new JsonObject();
      alert.details().forEach(details::addProperty);
      o.add("details", details);
      o.addProperty("text", alert.text());
      return GSON.toJson(o);
    }

    @Override
    public String toString() {
      return "Webhook[***]";
    }
  }

  /** Telegram's Bot API {@code sendMessage}; the token is part of the path. */
  record Telegram(URI apiBase, String token, String chatId) implements AlertTarget {
    public Telegram {
      Objects.requireNonNull(apiBase, "apiBase");
      Objects.requireNonNull(token, "token");
      Objects.requireNonNull(chatId, "chatId");
    }

    public String name() {
      return "telegram";
    }

    public URI uri() {
      String base = apiBase.toString().replaceAll("/+$", "");
      return URI.create(base + "/bot" + token + "/sendMessage");
    }

    public String body(Alert alert) {
      JsonObject o = new JsonObject();
      o.addProperty("chat_id", chatId);
      o.addProperty("text", alert.text());
      o.addProperty("disable_web_page_preview", true);
      return GSON.toJson(o);
    }

    @Override
    public String toString() {
      return "Telegram[chat " + chatId + ", token ***]";
    }
  }

  /** A Discord webhook: {@code content}, at most 2000 characters. */
  record Discord(URI uri) implements AlertTarget {
    public Discord {
      Objects.requireNonNull(uri, "uri");
    }

    public String name() {
      return "discord";
    }

    public String body(Alert alert) {
      JsonObject o = new JsonObject();
      String text = alert.text();
      o.addProperty("content", text.length() > 2000 ? text.substring(0, 1997) + "..." : text);
      return GSON.toJson(o);
    }

    @Override
    public String toString() {
      return "Discord[***]";
    }
  }

  /** A Slack incoming webhook: {@code text}. */
  record Slack(URI uri) implements AlertTarget {
    public Slack {
      Objects.requireNonNull(uri, "uri");
    }

    public String name() {
      return "slack";
    }

    public String body(Alert alert) {
      JsonObject o = new JsonObject();
      o.addProperty("text", alert.text());
      return GSON.toJson(o);
    }

    @Override
    public String toString() {
      return "Slack[***]";
    }
  }
}
