package io.positionkeeper.runner.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runners as separate processes on one account and one PostgreSQL: the second refuses to start or
 * stands by; the standby takes over when the first dies (SIGKILL), as a restart: the position is
 * restored, resynced and reconciled without an order, then managed by the new runner.
 */
class RunnerProcessesIT {
  private static final String ACCOUNT = "proc-it";

  private static final String TTL = "PT10S";

  @TempDir Path home;
  private LiveFixture live;
  private Path config;
  private final List<RunnerProcess> started = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    live = new LiveFixture(home);
    config = Files.write(home.resolve("live.properties"), live.properties(ACCOUNT, "database"));
  }

  @AfterEach
  void close() {
    started.forEach(p -> p.process.destroyForcibly());
    live.close();
  }

  @Test
  void aSecondRunnerRefuses_aStandbyTakesOverWhenTheFirstDies_andManagesThePosition()
      throws Exception {
    RunnerProcess first = runner("first");
    live.insertSignal(ACCOUNT);
    await(first, () -> "OPENED".equals(live.one("SELECT outcome FROM monitoring.signals")));

    RunnerProcess refused = runner("refused");
    assertThat(refused.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(refused.process.exitValue()).isEqualTo(1);
    assertThat(refused.stderr()).contains("account proc-it is run by another runner", "--standby");

    RunnerProcess standby = runner("standby", "--standby");
    await(standby, () -> standby.stderr().contains("standby:"));
    assertThat(holder()).startsWith(hostPart() + first.pid() + "/");
    int orders = live.venue.orderCount();

    first.process.destroyForcibly(); // SIGKILL: no release, the lease has to expire
    assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    await(standby, () -> standby.log().contains("live on BINANCE CUSTOM for account proc-it"));

    assertThat(holder()).startsWith(hostPart() + standby.pid() + "/");
    assertThat(standby.log())
        .contains("positionsLoaded=1, trailingRestored=1, trailingFresh=0, notReady=[]");
    assertThat(live.venue.orderCount()).as("a takeover sends no order").isEqualTo(orders);
    assertThat(live.venue.openAlgoCount("BTCUSDT")).isEqualTo(1);

    live.venue.setMarkPrice(LiveFixture.BTC, new BigDecimal("65000"));
    await(
        standby,
        () ->
            !"0"
                .equals(
                    live.one("SELECT count(*) FROM monitoring.events WHERE type = 'STOP_MOVED'")));
    live.venue.setMarkPrice(LiveFixture.BTC, new BigDecimal("64500"));
    await(standby, () -> "CLOSED".equals(live.one("SELECT status FROM monitoring.positions")));
    assertThat(live.one("SELECT close_reason FROM monitoring.positions"))
        .isEqualTo("TRAILING_STOP");

    standby.process.destroy();
    assertThat(standby.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(standby.process.exitValue()).isEqualTo(143);
  }

  @Test
  void theFileLogIsFull_theConsoleConcise_andNoConfiguredSecretReachesEither() throws Exception {
    String dbPassword = "db-secret-" + java.util.UUID.randomUUID();
    Map<String, String> env = new HashMap<>(live.env());
    env.put(LiveSession.DB_PASSWORD_VAR, dbPassword);
    live.venue.faults().rejectNextOrder(-2019, "Margin is insufficient.");
    RunnerProcess p =
        RunnerProcess.start(home, "logged", List.of("run", "--config", config.toString()), env);
    started.add(p);
    live.insertSignal(ACCOUNT);
    await(
        p,
        () -> live.one("SELECT outcome FROM monitoring.signals WHERE outcome IS NOT NULL") != null);
    live.insertSignal(ACCOUNT);
    await(
        p,
        () ->
            "1"
                .equals(
                    live.one("SELECT count(*) FROM monitoring.signals WHERE outcome = 'OPENED'")));
    p.process.destroy();
    assertThat(p.process.waitFor(60, TimeUnit.SECONDS)).isTrue();

    String file = p.log();
    String console = p.stderr();
    assertThat(file)
        .contains(" INFO ", "lease of account proc-it taken", "live on BINANCE CUSTOM")
        .contains("Margin is insufficient");
    assertThat(console.lines().filter(l -> l.matches("\\d\\d:\\d\\d:\\d\\d .*")))
        .as("the console shows warnings and errors only")
        .isNotEmpty()
        .allSatisfy(l -> assertThat(l).containsAnyOf(" WARN ", " ERROR "));
    assertThat(file.lines().count()).isGreaterThan(console.lines().count());
    for (String text : List.of(file, console, Files.readString(home.resolve("logged.stdout")))) {
      assertThat(text)
          .doesNotContain(live.venue.apiKey())
          .doesNotContain(live.venue.apiSecret())
          .doesNotContain(dbPassword);
    }
  }

  private RunnerProcess runner(String name, String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(List.of("run", "--config", config.toString(), "--lease-ttl", TTL));
    args.addAll(List.of(extra));
    RunnerProcess p = RunnerProcess.start(home, name, args, live.env());
    started.add(p);
    return p;
  }

  private String holder() {
    return live.one("SELECT holder FROM monitoring.account_leases WHERE account = 'proc-it'");
  }

  private static String hostPart() {
    return System.getenv().getOrDefault("HOSTNAME", "localhost") + "/";
  }

  private static void await(RunnerProcess p, BooleanSupplier condition) throws Exception {
    Instant until = Instant.now().plusSeconds(90);
    while (!condition.getAsBoolean()) {
      if (!p.process.isAlive()) {
        String log = p.log();
        throw new AssertionError(
            p.name
                + " exited with "
                + p.process.exitValue()
                + ": "
                + p.stderr()
                + "\nlog tail:\n"
                + log.substring(Math.max(0, log.length() - 6000)));
      }
      assertThat(Instant.now()).as("condition met in time (%s)", p.name).isBefore(until);
      Thread.sleep(100);
    }
  }
}
