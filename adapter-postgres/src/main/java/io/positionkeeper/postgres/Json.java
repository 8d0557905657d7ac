package io.positionkeeper.postgres;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.LinkedHashMap;
import java.util.Map;

/** The audit payload (a flat map of strings) as a JSON object, both ways. */
final class Json {
  // HTML escaping would store '<' as \u003c: correct JSON, but noise for a person reading it.
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  private Json() {}

  static String write(Object value) {
    return GSON.toJson(value);
  }

  static Map<String, String> readPayload(String json) {
    JsonElement parsed = JsonParser.parseString(json);
    if (!parsed.isJsonObject()) {
      throw new IllegalStateException("a stored payload is not a JSON object: " + json);
    }
    JsonObject object = parsed.getAsJsonObject();
    Map<String, String> payload = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : object.entrySet()) {
      JsonElement v = e.getValue();
      if (!v.isJsonPrimitive()) {
        throw new IllegalStateException(
            "payload value of '" + e.getKey() + "' is not a string: " + v);
      }
      payload.put(e.getKey(), v.getAsString());
    }
    return payload;
  }
}
