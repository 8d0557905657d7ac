package io.positionkeeper.runner.campaign;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded mutations of a JSON payload, the kinds of damage a venue, a proxy or a hand-written signal
 * can do: cut short, one value replaced by NaN, infinities, 1e400, a 400-digit number, a wrong
 * type, a huge text, a field dropped, an unknown event type, bytes flipped, a huge body. The same
 * seed and input always give the same output.
 */
public final class Mutations {
  private static final String MARK = "\"@@fuzz@@\"";

  /** Raw JSON texts put in place of one value (the JSON parser of the reader sees them as sent). */
  private static final List<String> EVIL =
      List.of(
          "NaN",
          "\"NaN\"",
          "Infinity",
          "-Infinity",
          "\"Infinity\"",
          "1e400",
          "\"1e400\"",
          "-1e400",
          "1e-400",
          "\"1E+2147483648\"",
          "9".repeat(400),
          "-0",
          "0",
          "-1",
          "\"\"",
          "\" \"",
          "null",
          "true",
          "{}",
          "[]",
          "[1,2]",
          "{\"a\":1}",
          "\"x\"",
          "12.5",
          "\"0x1F\"",
          "\"" + "A".repeat(100_000) + "\"",
          "\"\\u0000\"",
          "9223372036854775808",
          "-9223372036854775809");

  private Mutations() {}

  public static String mutate(String json, SplittableRandom random) {
    int kind = random.nextInt(10);
    return switch (kind) {
      case 0 -> truncate(json, random);
      case 1 -> flipBytes(json, random);
      case 2 -> huge(json, random);
      case 3 -> unknownEvent(json, random);
      case 4 -> dropField(json, random);
      default -> replaceValue(json, random);
    };
  }

  static String truncate(String json, SplittableRandom random) {
    return json.isEmpty() ? json : json.substring(0, random.nextInt(json.length()));
  }

  private static String flipBytes(String json, SplittableRandom random) {
    if (json.isEmpty()) {
      return "\u0000";
    }
    char[] chars = json.toCharArray();
    String noise = "{}[]\":,0-.eE\\ntx";
    for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
      chars[random.nextInt(chars.length)] = noise.charAt(random.nextInt(noise.length()));
    }
    return new String(chars);
  }

  /** A body of megabytes: a long array of the payload, or deep nesting. */
  private static String huge(String json, SplittableRandom random) {
    if (random.nextBoolean()) {
      return "[".repeat(100_000) + "]".repeat(100_000);
    }
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < 2_000; i++) {
      out.append(i == 0 ? "" : ",").append(json.strip());
    }
    return out.append(']').toString();
  }

  private static String unknownEvent(String json, SplittableRandom random) {
    JsonElement tree = parse(json);
    if (tree == null) {
      return truncate(json, random);
    }
    List<JsonObject> objects = new ArrayList<>();
    collect(tree, objects);
    if (objects.isEmpty()) {
      return json;
    }
    JsonObject o = objects.get(random.nextInt(objects.size()));
    String field = o.has("e") ? "e" : o.has("topic") ? "topic" : o.has("op") ? "op" : "e";
    o.addProperty(field, "FUZZ_UNKNOWN_" + random.nextInt(1000));
    return tree.toString();
  }

  private static String dropField(String json, SplittableRandom random) {
    JsonElement tree = parse(json);
    if (tree == null) {
      return truncate(json, random);
    }
    List<JsonObject> objects = new ArrayList<>();
    collect(tree, objects);
    objects.removeIf(o -> o.size() == 0);
    if (objects.isEmpty()) {
      return json;
    }
    JsonObject o = objects.get(random.nextInt(objects.size()));
    List<String> keys = new ArrayList<>(o.keySet());
    o.remove(keys.get(random.nextInt(keys.size())));
    return tree.toString();
  }

  /** One scalar (or small container) anywhere in the tree replaced by one of {@link #EVIL}. */
  private static String replaceValue(String json, SplittableRandom random) {
    JsonElement tree = parse(json);
    if (tree == null) {
      return truncate(json, random);
    }
    List<Slot> slots = new ArrayList<>();
    slots(tree, slots);
    if (slots.isEmpty()) {
      return json;
    }
    slots.get(random.nextInt(slots.size())).replace(new JsonPrimitive("@@fuzz@@"));
    return tree.toString().replace(MARK, EVIL.get(random.nextInt(EVIL.size())));
  }

  private interface Slot {
    void replace(JsonElement value);
  }

  private static void slots(JsonElement e, List<Slot> out) {
    if (e.isJsonObject()) {
      for (Map.Entry<String, JsonElement> entry : e.getAsJsonObject().entrySet()) {
        out.add(entry::setValue);
        slots(entry.getValue(), out);
      }
    } else if (e.isJsonArray()) {
      JsonArray a = e.getAsJsonArray();
      for (int i = 0; i < a.size(); i++) {
        int index = i;
        out.add(v -> a.set(index, v));
        slots(a.get(i), out);
      }
    }
  }

  private static void collect(JsonElement e, List<JsonObject> out) {
    if (e.isJsonObject()) {
      out.add(e.getAsJsonObject());
      e.getAsJsonObject().entrySet().forEach(x -> collect(x.getValue(), out));
    } else if (e.isJsonArray()) {
      e.getAsJsonArray().forEach(x -> collect(x, out));
    }
  }

  private static JsonElement parse(String json) {
    try {
      return JsonParser.parseString(json);
    } catch (JsonParseException e) {
      return null;
    }
  }
}
