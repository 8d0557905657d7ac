package io.positionkeeper.runner.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.zaxxer.hikari.HikariDataSource;
import io.positionkeeper.binance.emulator.BinanceEmulator;
import io.positionkeeper.migrations.Migrations;
import io.positionkeeper.postgres.PostgresConfig;
import io.positionkeeper.postgres.PostgresPool;
import io.positionkeeper.runner.Main;
import io.positionkeeper.runner.paper.EmbeddedDatabase;
import java.io.IOException;
import java.math.BigDecimal;
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
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * One account as a trader runs it: the Binance emulator on loopback, an embedded PostgreSQL, and
 * the runner as a child JVM that the campaign starts, kills with SIGKILL and starts again. Every
 * run writes its own log, so a scenario can tell what each incarnation did and the secret check
 * reads them all.
 */
final class BinanceRig implements AutoCloseable {
  static final String SYMBOL = "BTCUSDT";
  static final String ACCOUNT = "crash-campaign";
  static final String DB_PASSWORD = "campaign-db-password";

  private final Path home;
  private final BinanceEmulator venue;
  private final EmbeddedDatabase db;
  private final HikariDataSource pool;
  private final Path config;
  private final List<Path> outputs = new ArrayList<>();
  private final Map<String, String> extraEnv = new LinkedHashMap<>();
  private Duration leaseTtl = Duration.ofSeconds(10);
  private Process runner;
  private final List<Process> beside = new ArrayList<>();

  private BinanceRig(Path home, BinanceEmulator venue, EmbeddedDatabase db, HikariDataSource pool)
      throws IOException {
    this.home = home;
    this.venue = venue;
    this.db = db;
    this.pool = pool;
    this.config = home.resolve("live.properties");
    Files.writeString(
        config,
        String.join(
            "\n",
            "account=" + ACCOUNT,
            "exchange=binance",
            "environment=custom",
            "binance.restUrl=" + venue.restBaseUrl(),
            "binance.marketStreamUrl=" + venue.marketStreamUrl(),
            "binance.privateStreamUrl=" + venue.privateStreamUrl(),
            "symbols=" + SYMBOL,
            "symbol." + SYMBOL + ".leverage=4",
            "database.url=" + db.jdbcUrl(),
            "database.user=postgres",
            "signals=database"));
  }

  static BinanceRig start(Path home) throws Exception {
    BinanceEmulator venue = BinanceEmulator.start();
    EmbeddedDatabase db = EmbeddedDatabase.start(home.resolve("pg"), true);
    HikariDataSource pool =
        PostgresPool.create(PostgresConfig.of(db.jdbcUrl(), "postgres", "postgres"));
    Migrations.migrate(pool);
    execute(pool, "ALTER USER postgres PASSWORD '" + DB_PASSWORD + "'");
    venue.addInstrument(SYMBOL, "0.1", "0.001", "0.001", "120", "100");
    venue.setMarkPrice(SYMBOL, new BigDecimal("64000"));
    return new BinanceRig(home, venue, db, pool);
  }

  BinanceEmulator venue() {
    return venue;
  }

  HikariDataSource pool() {
    return pool;
  }

  List<Path> outputs() {
    return List.copyOf(outputs);
  }

  /**
   * Adds a line to the runner's configuration and a variable to its environment (an alert target
   * and its address); applies to incarnations started afterwards.
   */
  void configure(String configLine, String variable, String value) throws IOException {
    configure(configLine);
    extraEnv.put(variable, value);
  }

  /**
   * The account lease's time-to-live for incarnations started afterwards. A runner that cannot
   * renew its lease for most of it stops acting: a database outage longer than that ends it.
   */
  void leaseTtl(Duration ttl) {
    leaseTtl = ttl;
  }

  /** Adds (or, the last line winning, overrides) a line of the runner's configuration. */
  void configure(String configLine) throws IOException {
    Files.writeString(config, "\n" + configLine, StandardOpenOption.APPEND);
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
   * new one stands by until then. Should it exit because of the lease all the same, it is started
   * again until the lease is free.
   */
  void startRunner() throws Exception {
    Instant until = Instant.now().plus(Duration.ofSeconds(90));
    while (true) {
      int n = outputs.size() / 2 + 1;
      Path log = nextOutput("keeper-" + n + ".log");
      Path err = nextOutput("stderr-" + n + ".txt");
      Process p = launch(log, err, venue.apiKey(), venue.apiSecret());
      while (p.isAlive() && !contains(log, "live on ")) {
        if (Instant.now().isAfter(until)) {
          p.destroyForcibly();
          fail(
              "runner %d did not start in time; its log ends with:%n%s%nits output:%n%s",
              n, tail(log), tail(err));
        }
        Thread.sleep(100);
      }
      if (p.isAlive()) {
        runner = p;
        return;
      }
      String why = Files.readString(err, StandardCharsets.UTF_8);
      if (!why.toLowerCase(Locale.ROOT).contains("lease")) {
        fail("runner %d exited with %d before it started: %s", n, p.exitValue(), why);
      }
      assertThat(Instant.now()).as("the dead runner's lease expired in time").isBefore(until);
      Thread.sleep(2_000);
    }
  }

  /** Whether any output of any incarnation so far contains {@code text}. */
  boolean logsContain(String text) throws IOException {
    for (Path out : outputs) {
      if (contains(out, text)) {
        return true;
      }
    }
    return false;
  }

  /** SIGKILL: no shutdown hook, no flush, no lease release, exactly as a crash. */
  void killRunner() throws InterruptedException {
    runner.destroyForcibly();
    assertThat(runner.waitFor(30, TimeUnit.SECONDS)).as("killed runner gone").isTrue();
  }

  void stopRunner() throws InterruptedException {
    runner.destroy();
    assertThat(runner.waitFor(60, TimeUnit.SECONDS)).as("runner stopped on SIGTERM").isTrue();
  }

  boolean runnerAlive() {
    return runner != null && runner.isAlive();
  }

  /** A signal for a long of 1,000 USDT with a 2 % stop, trailing from +1.5 % by 0.5 %. */
  void signalLong() throws Exception {
    execute(
        pool,
        "INSERT INTO monitoring.signals (account, exchange, symbol, side, size, size_unit,"
            + " stop_loss_percent, trailing_activation_percent, trailing_callback_percent)"
            + " VALUES ('"
            + ACCOUNT
            + "', 'BINANCE', '"
            + SYMBOL
            + "', 'LONG', 1000, 'QUOTE', 2, 1.5, 0.5)");
  }

  void await(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
    Instant until = Instant.now().plus(within);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(until)) {
        fail("timed out after %s waiting for: %s", within, what);
      }
      Thread.sleep(50);
    }
  }

  /** {@link #await}, and on a timeout also what {@code history} says led to it. */
  void await(String what, Duration within, BooleanSupplier condition, Supplier<String> history)
      throws InterruptedException {
    try {
      await(what, within, condition);
    } catch (AssertionError timedOut) {
      throw new AssertionError(timedOut.getMessage() + "; " + history.get(), timedOut);
    }
  }

  String one(String sql) {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      return r.next() ? r.getString(1) : null;
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("query failed: " + sql, e);
    }
  }

  long count(String sql) {
    String v = one(sql);
    return v == null ? 0 : Long.parseLong(v);
  }

  /** A runner process the rig launched beside its own, with the files it writes. */
  record Incarnation(Process process, Path log, Path err) {
    boolean logContains(String text) throws IOException {
      return contains(log, text) || contains(err, text);
    }
  }

  /**
   * Launches a further runner on the account, with its own API key so the venue can tell its
   * requests from the rig's runner's; it stands by while the lease is held. Its outputs join the
   * rig's (the secret check reads them).
   */
  Incarnation launchBeside(BinanceEmulator.ApiKey key) throws IOException {
    int n = outputs.size() / 2 + 1;
    Path log = nextOutput("keeper-" + n + ".log");
    Path err = nextOutput("stderr-" + n + ".txt");
    Process p = launch(log, err, key.key(), key.secret());
    beside.add(p);
    return new Incarnation(p, log, err);
  }

  /** A file an incarnation writes; the secret check reads every one. */
  private Path nextOutput(String name) {
    Path file = home.resolve(name);
    outputs.add(file);
    return file;
  }

  /** From now on {@code other} is the rig's runner: the one killed, stopped and checked alive. */
  void adopt(Incarnation other) {
    runner = other.process();
  }

  /** The last lines of a runner's log, for a failure's history. */
  static String logTail(Path log) throws IOException {
    return tail(log);
  }

  private Process launch(Path log, Path err, String apiKey, String apiSecret) throws IOException {
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
    pb.environment().keySet().removeIf(k -> k.startsWith("BINANCE_") || k.startsWith("KEEPER_"));
    pb.environment().put("BINANCE_API_KEY", apiKey);
    pb.environment().put("BINANCE_API_SECRET", apiSecret);
    pb.environment().put("KEEPER_DB_PASSWORD", DB_PASSWORD);
    pb.environment().putAll(extraEnv);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(err.toFile()));
    pb.redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()));
    return pb.start();
  }

  private static String tail(Path file) throws IOException {
    if (!Files.exists(file)) {
      return "(no log)";
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  private static boolean contains(Path file, String text) throws IOException {
    return Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).contains(text);
  }

  private static void execute(HikariDataSource pool, String sql) throws Exception {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  @Override
  public void close() throws Exception {
    try {
      beside.forEach(Process::destroyForcibly);
      if (runner != null) {
        runner.destroyForcibly();
        runner.waitFor(30, TimeUnit.SECONDS);
      }
    } finally {
      try (db;
          venue) {
        pool.close();
      }
    }
  }
}
