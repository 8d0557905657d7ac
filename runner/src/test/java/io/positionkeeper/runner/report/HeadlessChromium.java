package io.positionkeeper.runner.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's Chromium, headless, driven over the DevTools protocol on loopback: it records every
 * console message, uncaught exception, log entry and network request of the page, evaluates scripts
 * and takes screenshots. {@link #ensureInstalled()} installs the package when it is missing (CI
 * runs on a clean machine as root) and fails the test when it cannot: never a silent skip.
 */
final class HeadlessChromium implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/chromium");
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");

  private final Process process;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
  private final List<JsonObject> events = new CopyOnWriteArrayList<>();

  private final Path profile;

  private HeadlessChromium(Process process, WebSocket socket, Path profile) {
    this.process = process;
    this.socket = socket;
    this.profile = profile;
  }

  /** Installs Debian's chromium package when the binary is missing; throws when that fails. */
  static void ensureInstalled() throws IOException, InterruptedException {
    if (Files.isExecutable(BINARY)) {
      return;
    }
    run("apt-get", "update", "-q");
    run("apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium");
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException("apt-get installed chromium but " + BINARY + " is missing");
    }
  }

  private static void run(String... command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(
          String.join(" ", command)
              + " failed (exit "
              + p.exitValue()
              + "); the browser test needs Debian's chromium:\n"
              + out);
    }
  }

  /** Starts the browser on a profile folder of its own, which {@link #close()} deletes. */
  static HeadlessChromium launch() throws Exception {
    ensureInstalled();
    Path profile = Files.createTempDirectory("keeper-chromium-");
    Process p =
        new ProcessBuilder(
                BINARY.toString(),
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--hide-scrollbars",
                "--remote-debugging-port=0",
                "--remote-allow-origins=*",
                "--user-data-dir=" + profile.toAbsolutePath(),
                "--window-size=1280,900",
                "about:blank")
            .start();
    p.getInputStream().close();
    BufferedReader err =
        new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> browserUrl = new CompletableFuture<>();
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread drain =
        Thread.ofPlatform()
            .daemon(true)
            .start(
                () -> {
                  try {
                    for (String line; (line = err.readLine()) != null; ) {
                      lines.add(line);
                      Matcher m = LISTENING.matcher(line);
                      if (m.find()) {
                        browserUrl.complete(m.group(1));
                      }
                    }
                  } catch (IOException e) {
                    browserUrl.completeExceptionally(e);
                  }
                  browserUrl.completeExceptionally(
                      new IllegalStateException("chromium ended:\n" + String.join("\n", lines)));
                });
    drain.setName("chromium-stderr");
    URI browser = URI.create(browserUrl.get(60, TimeUnit.SECONDS));
    HttpClient http = HttpClient.newHttpClient();
    String list =
        http.send(
                HttpRequest.newBuilder(
                        URI.create("http://" + browser.getAuthority() + "/json/list"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    String pageUrl = null;
    for (JsonElement e : JsonParser.parseString(list).getAsJsonArray()) {
      JsonObject target = e.getAsJsonObject();
      if (target.get("type").getAsString().equals("page")) {
        pageUrl = target.get("webSocketDebuggerUrl").getAsString();
      }
    }
    if (pageUrl == null) {
      p.destroyForcibly();
      throw new IllegalStateException("chromium shows no page target: " + list);
    }
    Listener listener = new Listener();
    WebSocket ws =
        http.newWebSocketBuilder()
            .buildAsync(URI.create(pageUrl), listener)
            .get(30, TimeUnit.SECONDS);
    HeadlessChromium chromium = new HeadlessChromium(p, ws, profile);
    listener.owner = chromium;
    for (String domain : List.of("Runtime", "Log", "Network", "Page")) {
      chromium.call(domain + ".enable", new JsonObject());
    }
    return chromium;
  }

  /** Receives the protocol's messages, which may arrive in parts. */
  private static final class Listener implements WebSocket.Listener {
    volatile HeadlessChromium owner;
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        owner.receive(JsonParser.parseString(text.toString()).getAsJsonObject());
        text.setLength(0);
      }
      ws.request(1);
      return null;
    }
  }

  private void receive(JsonObject message) {
    if (message.has("id")) {
      CompletableFuture<JsonObject> f = pending.remove(message.get("id").getAsInt());
      if (f != null) {
        f.complete(message);
      }
    } else {
      events.add(message);
    }
  }

  JsonObject call(String method, JsonObject params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonObject> answer = new CompletableFuture<>();
    pending.put(id, answer);
    JsonObject message = new JsonObject();
    message.addProperty("id", id);
    message.addProperty("method", method);
    message.add("params", params);
    socket.sendText(message.toString(), true).get(10, TimeUnit.SECONDS);
    JsonObject reply = answer.get(60, TimeUnit.SECONDS);
    if (reply.has("error")) {
      throw new IllegalStateException(method + " failed: " + reply.get("error"));
    }
    return reply.getAsJsonObject("result");
  }

  /** Opens {@code file} and waits for its load event. */
  void open(Path file) throws Exception {
    JsonObject params = new JsonObject();
    params.addProperty("url", file.toAbsolutePath().toUri().toString());
    call("Page.navigate", params);
    awaitEvent(e -> e.get("method").getAsString().equals("Page.loadEventFired"));
  }

  private void awaitEvent(Predicate<JsonObject> matching) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < until) {
      if (events.stream().anyMatch(matching)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("no matching DevTools event in 60 s; got " + events.size());
  }

  /** Evaluates {@code expression} in the page (awaiting a promise) and returns its value. */
  JsonElement evaluate(String expression) throws Exception {
    JsonObject params = new JsonObject();
    params.addProperty("expression", expression);
    params.addProperty("returnByValue", true);
    params.addProperty("awaitPromise", true);
    JsonObject result = call("Runtime.evaluate", params);
    if (result.has("exceptionDetails")) {
      throw new IllegalStateException("evaluating failed: " + result.get("exceptionDetails"));
    }
    JsonObject value = result.getAsJsonObject("result");
    return value.has("value") ? value.get("value") : null;
  }

  /** A PNG of the page's area x, y, width, height (CSS pixels, from the top of the page). */
  byte[] screenshot(double x, double y, double width, double height) throws Exception {
    JsonObject clip = new JsonObject();
    clip.addProperty("x", x);
    clip.addProperty("y", y);
    clip.addProperty("width", width);
    clip.addProperty("height", height);
    clip.addProperty("scale", 1);
    JsonObject params = new JsonObject();
    params.addProperty("format", "png");
    params.addProperty("captureBeyondViewport", true);
    params.add("clip", clip);
    return Base64.getDecoder()
        .decode(call("Page.captureScreenshot", params).get("data").getAsString());
  }

  /** Console errors and assertions, uncaught exceptions and error log entries, as text. */
  List<String> errors() {
    List<String> out = new ArrayList<>();
    for (JsonObject e : events) {
      String method = e.get("method").getAsString();
      JsonObject params = e.getAsJsonObject("params");
      switch (method) {
        case "Runtime.exceptionThrown" -> out.add("exception: " + params);
        case "Runtime.consoleAPICalled" -> {
          String type = params.get("type").getAsString();
          if (type.equals("error") || type.equals("assert")) {
            out.add("console." + type + ": " + params.get("args"));
          }
        }
        case "Log.entryAdded" -> {
          JsonObject entry = params.getAsJsonObject("entry");
          if (entry.get("level").getAsString().equals("error")) {
            out.add("log: " + entry);
          }
        }
        default -> {}
      }
    }
    return out;
  }

  /** Every URL the page requested that is not the file itself or inline data. */
  List<String> remoteRequests() {
    List<String> out = new ArrayList<>();
    for (JsonObject e : events) {
      if (e.get("method").getAsString().equals("Network.requestWillBeSent")) {
        String url =
            e.getAsJsonObject("params").getAsJsonObject("request").get("url").getAsString();
        if (!url.startsWith("file:") && !url.startsWith("data:") && !url.startsWith("blob:")) {
          out.add(url);
        }
      }
    }
    return out;
  }

  static JsonArray array(JsonElement e) {
    return JsonParser.parseString(e.getAsString()).getAsJsonArray();
  }

  /**
   * Ends the browser and every process it started (renderers, zygotes: they write to the profile
   * until they end), then deletes the profile.
   */
  @Override
  public void close() throws Exception {
    socket.abort();
    List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
    all.add(process.toHandle());
    all.forEach(ProcessHandle::destroy);
    for (ProcessHandle h : all) {
      try {
        h.onExit().get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        h.destroyForcibly();
        h.onExit().get(10, TimeUnit.SECONDS);
      }
    }
    try (var paths = Files.walk(profile)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
