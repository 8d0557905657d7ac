package io.positionkeeper.runner.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.zaxxer.hikari.HikariDataSource;
import io.positionkeeper.migrations.Migrations;
import io.positionkeeper.postgres.PostgresConfig;
import io.positionkeeper.postgres.PostgresPool;
import io.positionkeeper.runner.Main;
import io.positionkeeper.runner.paper.EmbeddedDatabase;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The venue-neutral part of a campaign rig: an embedded PostgreSQL, the runner's configuration, and
 * the runner as a child JVM ({@code keeper run --standby}) that the campaign starts, kills with
 * SIGKILL and starts again. Every incarnation writes its own log, so a scenario can tell what each
 * did and the secret check reads them all. A venue's rig adds its emulator: the configuration lines
 * and keys that point the runner at it, and what the invariants read from its books.
 */
abstract class RunnerRig implements CampaignView, AutoCloseable {
  static final String ACCOUNT = "crash-campaign";
  static final String DB_PASSWORD = "campaign-db-password";

  /** How long one incarnation may take to start, on a loaded machine. */
  static final Duration START = Duration.ofSeconds(90);

  /** How many incarnations in a row may exit because of the lease before the rig gives up. */
  private static final int LEASE_ATTEMPTS = 5;

  /** A stop working on the venue: its client id where the venue keeps one, and its trigger. */
  record VenueStop(Optional<String> clientId, BigDecimal trigger) {}

  /**
   * A request the venue can hold unanswered, so the campaign kills the runner while it waits: a
   * kill point of the random kill campaign, named for what the runner was doing.
   */
  record KillPoint(String name, String method, String path) {}

  /** A further API key of the account, for a second runner; its toString hides the secret. */
  record VenueKey(String key, String secret) {
    @Override
    public String toString() {
      return "VenueKey[" + key + "]";
    }
  }

  /** A request the venue received: when, what, and the API key that signed it (if any). */
  record Received(String method, String path, Instant at, Optional<String> apiKey, String detail) {}

  /** A runner process launched beside the rig's own, with the files it writes. */
  record Incarnation(Process process, Path log, Path err) {
    boolean logContains(String text) {
      try {
        return contains(log, text) || contains(err, text);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  private final Path home;
  private final EmbeddedDatabase db;
  private final HikariDataSource pool;
  private final Path config;
  private final List<Path> outputs = new ArrayList<>();
  private int leaseStopsAtStart;
  private final Map<String, String> env = new LinkedHashMap<>();
  private Duration leaseTtl = Duration.ofSeconds(10);
  private Process runner;
  private final List<Process> beside = new ArrayList<>();

  /** Builds a venue's rig on its emulator. */
  @FunctionalInterface
  interface OnVenue<V, R extends RunnerRig> {
    R start(V venue) throws Exception;
  }

  /**
   * A venue's rig on {@code venue}, an emulator just started; the emulator is closed should the rig
   * fail to start (its database, say).
   */
  static <V extends AutoCloseable, R extends RunnerRig> R startOn(V venue, OnVenue<V, R> rig)
      throws Exception {
    try {
      return rig.start(venue);
    } catch (Exception | Error e) {
      venue.close();
      throw e;
    }
  }

  /** Starts the database (migrated, with a password the secret check looks for). */
  RunnerRig(Path home) throws Exception {
    this.home = home;
    this.db = EmbeddedDatabase.start(home.resolve("pg"), true);
    this.pool = PostgresPool.create(PostgresConfig.of(db.jdbcUrl(), "postgres", "postgres"));
    Migrations.migrate(pool);
    execute("ALTER USER postgres PASSWORD '" + DB_PASSWORD + "'");
    this.config = home.resolve("live.properties");
    Files.writeString(
        config,
        String.join(
            "\n",
            "account=" + ACCOUNT,
            "environment=custom",
            "database.url=" + db.jdbcUrl(),
            "database.user=postgres",
            "signals=database"));
    env.put("KEEPER_DB_PASSWORD", DB_PASSWORD);
  }

  /** The symbol every scenario trades. */
  @Override
  public abstract String symbol();

  /** The venue's name in {@code monitoring.signals.exchange}. */
  abstract String exchange();

  /** The signed size of the venue's position on {@link #symbol()}, zero when flat. */
  @Override
  public BigDecimal positionAmount() {
    return positionAmount(symbol());
  }

  /** The stops working on the venue for {@link #symbol()}. */
  @Override
  public List<VenueStop> workingStops() {
    return workingStops(symbol());
  }

  /** For every entry client id the venue received, how many orders carry it. */
  @Override
  public abstract Map<String, Long> entryOrdersByClientId();

  /** The venue's key and secret, which no output may contain. */
  abstract List<String> venueSecrets();

  // ---- the venue as the venue-neutral scenarios drive it (19, 20, 21)

  /** The symbols a multi-symbol session trades; the first is {@link #symbol()}. */
  List<String> symbols() {
    return List.of(symbol(), "ETHUSDT");
  }

  /** Sets the venue's mark price of {@code symbol}; its stops trigger on it. */
  abstract void setMark(String symbol, BigDecimal price);

  /** The signed size of the venue's position on {@code symbol}, zero when flat. */
  abstract BigDecimal positionAmount(String symbol);

  /** The stops working on the venue for {@code symbol}. */
  abstract List<VenueStop> workingStops(String symbol);

  /** The requests the random kill campaign holds to kill the runner while it waits. */
  abstract List<KillPoint> killPoints();

  /** How many requests to {@code method path} the venue received. */
  abstract long requestCount(String method, String path);

  /** From now on every request to {@code point} waits {@code hold} for its answer. */
  abstract void hold(KillPoint point, Duration hold);

  /** Every fault rule gone and every held answer released. */
  abstract void clearFaults();

  /** The entry orders the venue received (orders that are not reduce-only). */
  abstract long entryOrderCount();

  /** How many requests placed, moved or removed a stop. */
  abstract long stopRequestCount();

  /** Where the venue's real payloads (REST answers and stream messages) are. */
  abstract Path fixtureDirectory();

  /** The venue's real payloads, each by its file name. */
  Map<String, String> fixtures() throws IOException {
    Map<String, String> out = new java.util.TreeMap<>();
    try (var files = Files.list(fixtureDirectory())) {
      for (Path p : files.filter(f -> f.toString().endsWith(".json")).toList()) {
        out.put(p.getFileName().toString(), Files.readString(p, StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  /** Sends a fixture-derived frame as it is on the private stream ({@code toPrivate}) or public. */
  abstract void sendRawFrame(boolean toPrivate, String frame);

  /** Whether the named stream fixture belongs on the public stream (else the private one). */
  abstract boolean isPublicStreamFixture(String fileName);

  /** Whether the named fixture is a stream message (else a REST answer): both venues' start so. */
  boolean isStreamFixture(String fileName) {
    return fileName.startsWith("ws_");
  }

  /** The next GET of {@code path} is answered with {@code body} (HTTP 200) and nothing else. */
  abstract void answerNextRead(String path, String body);

  /** A public stream message that sets {@code symbol}'s mark to {@code price}, written as is. */
  abstract String markFrame(String symbol, String price) throws IOException;

  /** A new API key of the account. */
  abstract VenueKey addApiKey();

  /** The runner's environment variables that carry {@code key}. */
  abstract Map<String, String> keyEnvironment(VenueKey key);

  /** The first (the rig's own) API key. */
  abstract String apiKey();

  /** Every request the venue received, in order. */
  abstract List<Received> received();

  /** The venue's faults as the fault campaign (scenarios 6 to 9) uses them. */
  abstract VenueFaults faults();

  // ---- a trader's own hand on the venue (scenarios 17 and 18)

  /** The position's working stop on {@link #symbol()} removed on the venue's website. */
  abstract void cancelStopByHand();

  /** The position on {@link #symbol()} closed on the venue's website, at the mark. */
  abstract void closeByHand();

  /**
   * A position of {@code signedQuantity} on {@link #symbol()} opened by hand, at {@code entry}: the
   * mark is set there first.
   */
  abstract void openByHand(BigDecimal signedQuantity, BigDecimal entry);

  /** A signal of 1,000 USDT on {@code symbol} with a 2 % stop, trailing from +1.5 % by 0.5 %. */
  void signal(String symbol, String side) throws java.sql.SQLException {
    try (Connection c = pool.getConnection();
        var s =
            c.prepareStatement(
                "INSERT INTO monitoring.signals (account, exchange, symbol, side, size, size_unit,"
                    + " stop_loss_percent, trailing_activation_percent, trailing_callback_percent)"
                    + " VALUES (?, ?, ?, ?, 1000, 'QUOTE', 2, 1.5, 0.5)")) {
      s.setString(1, ACCOUNT);
      s.setString(2, exchange());
      s.setString(3, symbol);
      s.setString(4, side);
      s.executeUpdate();
    }
  }

  /**
   * Launches a further runner on the account signing with {@code key}, so the venue can tell its
   * requests from the rig's runner's; it stands by while the lease is held. Its outputs join the
   * rig's (the secret check reads them).
   */
  Incarnation launchBeside(VenueKey key) throws IOException {
    int n = outputs.size() / 2 + 1;
    Path log = home.resolve("keeper-" + n + ".log");
    Path err = home.resolve("stderr-" + n + ".txt");
    outputs.add(log);
    outputs.add(err);
    Process p = launch(log, err, keyEnvironment(key));
    beside.add(p);
    return new Incarnation(p, log, err);
  }

  /** From now on {@code other} is the rig's runner: the one killed and checked alive. */
  void adopt(Incarnation other) {
    runner = other.process();
  }

  /** The last lines of a runner's output, for a failure's history. */
  static String logTail(Path log) throws IOException {
    return tail(log);
  }

  @Override
  public List<String> secrets() {
    List<String> all = new ArrayList<>(venueSecrets());
    all.add(DB_PASSWORD);
    return all;
  }

  HikariDataSource pool() {
    return pool;
  }

  @Override
  public List<Path> outputs() {
    return List.copyOf(outputs);
  }

  /** Adds (or, the last line winning, overrides) a line of the runner's configuration. */
  void configure(String configLine) throws IOException {
    Files.writeString(config, "\n" + configLine, StandardOpenOption.APPEND);
  }

  /**
   * Adds a line to the runner's configuration and a variable to its environment (an alert target
   * and its address); applies to incarnations started afterwards.
   */
  void configure(String configLine, String variable, String value) throws IOException {
    configure(configLine);
    env.put(variable, value);
  }

  /** A variable of the runner's environment (the venue's keys). */
  void environment(String variable, String value) {
    env.put(variable, value);
  }

  /**
   * The account lease's time-to-live for incarnations started afterwards. A runner that cannot
   * renew its lease for most of it stops acting: a database outage longer than that ends it.
   */
  void leaseTtl(Duration ttl) {
    leaseTtl = ttl;
  }

  /** The embedded database's port, for a proxy in front of it. */
  int databasePort() {
    return URI.create(db.jdbcUrl().substring("jdbc:".length())).getPort();
  }

  /** Writes one line to the running runner's standard input (with {@code signals=stdin}). */
  void sendLine(String line) throws IOException {
    var in = runner.getOutputStream();
    in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  /**
   * Starts an incarnation of the runner and waits until it has started (restored, resynced,
   * reconciled). A runner killed a moment ago still holds the account's lease until it expires: the
   * new one stands by until then. Should it exit because of the lease all the same, the rig waits
   * until the database shows the lease free and starts another. Each incarnation has {@link #START}
   * of its own to start, however long the ones before it took.
   */
  void startRunner() throws Exception {
    for (int attempt = 1; ; attempt++) {
      int n = outputs.size() / 2 + 1;
      Path log = home.resolve("keeper-" + n + ".log");
      Path err = home.resolve("stderr-" + n + ".txt");
      outputs.add(log);
      outputs.add(err);
      Process p = launch(log, err, Map.of());
      Instant until = Instant.now().plus(START);
      while (p.isAlive() && !contains(log, "live on ")) {
        if (Instant.now().isAfter(until)) {
          p.destroyForcibly();
          fail(
              "runner %d did not start within %s; its log ends with:%n%s%nits output:%n%s",
              n, START, tail(log), tail(err));
        }
        Thread.sleep(100);
      }
      if (p.isAlive()) {
        runner = p;
        return;
      }
      String why = Files.readString(err, StandardCharsets.UTF_8);
      if (!why.toLowerCase(Locale.ROOT).contains("lease") || attempt == LEASE_ATTEMPTS) {
        fail("runner %d exited with %d before it started: %s", n, p.exitValue(), why);
      }
      leaseStopsAtStart++;
      await(
          "the account's lease free for runner " + (n + 1),
          leaseTtl.plus(START),
          () ->
              count(
                      "SELECT count(*) FROM monitoring.account_leases WHERE account = '"
                          + ACCOUNT
                          + "' AND expires_at > now()")
                  == 0);
    }
  }

  /** How many incarnations so far were started (each has an output of its own). */
  int incarnations() {
    return outputs.size() / 2;
  }

  /**
   * How many incarnations so far stopped for the account's lease before they started (their lease
   * was lost, or never taken, while they started), each followed by another.
   */
  int leaseStopsAtStart() {
    return leaseStopsAtStart;
  }

  /** Whether any output of any incarnation so far contains {@code text}. */
  boolean logsContain(String text) {
    try {
      for (Path out : outputs) {
        if (contains(out, text)) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** How often {@code text} appears in every output of every incarnation so far. */
  long occurrences(String text) {
    long n = 0;
    for (Path out : outputs) {
      String all = read(out);
      for (int i = all.indexOf(text); i >= 0; i = all.indexOf(text, i + 1)) {
        n++;
      }
    }
    return n;
  }

  /**
   * Has incarnations started afterwards serve their metrics on a free loopback port; returns it.
   */
  int exposeMetrics() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    configure("metrics.port=" + port);
    return port;
  }

  /** SIGKILL: no shutdown hook, no flush, no lease release, exactly as a crash. */
  void killRunner() throws InterruptedException {
    runner.destroyForcibly();
    assertThat(runner.waitFor(30, TimeUnit.SECONDS)).as("killed runner gone").isTrue();
  }

  @Override
  public boolean runnerAlive() {
    return runner != null && runner.isAlive();
  }

  /** A signal for a long of 1,000 USDT with a 2 % stop, trailing from +1.5 % by 0.5 %. */
  void signalLong() throws Exception {
    execute(
        "INSERT INTO monitoring.signals (account, exchange, symbol, side, size, size_unit,"
            + " stop_loss_percent, trailing_activation_percent, trailing_callback_percent)"
            + " VALUES ('"
            + ACCOUNT
            + "', '"
            + exchange()
            + "', '"
            + symbol()
            + "', 'LONG', 1000, 'QUOTE', 2, 1.5, 0.5)");
  }

  /** The same signal as a line for {@code signals=stdin}. */
  String signalLine(String id) {
    return "{\"id\":\""
        + id
        + "\",\"symbol\":\""
        + symbol()
        + "\",\"side\":\"LONG\",\"size\":\"1000\",\"sizeUnit\":\"QUOTE\","
        + "\"stopLossPercent\":\"2\",\"activationPercent\":\"1.5\",\"callbackPercent\":\"0.5\"}";
  }

  @Override
  public void await(String what, Duration within, BooleanSupplier condition)
      throws InterruptedException {
    Instant until = Instant.now().plus(within);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(until)) {
        fail("timed out after %s waiting for: %s%s", within, what, outputTails());
      }
      Thread.sleep(50);
    }
  }

  @Override
  public String one(String sql) {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      return r.next() ? r.getString(1) : null;
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("query failed: " + sql, e);
    }
  }

  @Override
  public long count(String sql) {
    String v = one(sql);
    return v == null ? 0 : Long.parseLong(v);
  }

  void execute(String sql) throws java.sql.SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private Process launch(Path log, Path err, Map<String, String> overrides) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command =
        List.of(
            java,
            "-Dkeeper.home=" + home.resolve("runner-home"),
            "-Dkeeper.log=" + log,
            // The runner's own logging, not the test classpath's logback-test.xml.
            "-Dlogback.configurationFile=logback.xml",
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "run",
            "--config",
            config.toString(),
            // A restart stands by until the killed runner's lease expires, then takes over.
            "--standby",
            "--lease-ttl",
            leaseTtl.toString());
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment()
        .keySet()
        .removeIf(
            k -> k.startsWith("BINANCE_") || k.startsWith("BYBIT_") || k.startsWith("KEEPER_"));
    pb.environment().putAll(env);
    pb.environment().putAll(overrides);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(err.toFile()));
    pb.redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()));
    return pb.start();
  }

  /** The last lines of every output of the newest incarnation, for a timed-out wait's history. */
  private String outputTails() {
    StringBuilder tails = new StringBuilder();
    for (Path out : outputs.subList(Math.max(0, outputs.size() - 2), outputs.size())) {
      try {
        tails.append("\n--- ").append(out.getFileName()).append(" (tail):\n").append(tail(out));
      } catch (IOException e) {
        tails.append("\n--- ").append(out.getFileName()).append(": unreadable: ").append(e);
      }
    }
    return tails.toString();
  }

  private static String tail(Path file) throws IOException {
    if (!Files.exists(file)) {
      return "(no log)";
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static boolean contains(Path file, String text) throws IOException {
    return Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).contains(text);
  }

  /** Stops the venue's emulator; called last by {@link #close()}. */
  abstract void closeVenue();

  @Override
  public void close() throws Exception {
    try {
      beside.forEach(Process::destroyForcibly);
      if (runner != null) {
        runner.destroyForcibly();
        runner.waitFor(30, TimeUnit.SECONDS);
      }
    } finally {
      try (db) {
        pool.close();
      } finally {
        closeVenue();
      }
    }
  }
}
