package io.positionkeeper.runner.commands;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.positionkeeper.binance.BinanceGateway;
import io.positionkeeper.binance.auth.Credentials;
import io.positionkeeper.binance.config.TradingSettings;
import io.positionkeeper.bybit.BybitAdapter;
import io.positionkeeper.domain.keeper.KeeperPolicy;
import io.positionkeeper.domain.reconcile.ActionOutcome;
import io.positionkeeper.domain.reconcile.ReconcileResult;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.postgres.JooqPositionStore;
import io.positionkeeper.runner.live.ExchangeSettings;
import io.positionkeeper.runner.live.LiveConfig;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code keeper reconcile --dry-run}: what reconciliation would change now, changing nothing. */
@Command(
    name = "reconcile",
    mixinStandardHelpOptions = true,
    description = {
      "Compares the stored open positions with the venue (REST, read-only) and prints what the"
          + " keeper's reconciliation would do: close a row whose position is gone, follow the"
          + " venue's size, re-place a missing stop, adopt a position without a row, cancel an"
          + " orphan stop. Nothing is sent to the venue and nothing is written.",
      "Binance or Bybit, as the configuration says. The account is not set up (no leverage or"
          + " margin change); only --dry-run is built, a running keeper reconciles on its own"
          + " schedule.",
      "Exit codes: 0 in sync, 4 reconciliation would change something, 1 refused (the venue's"
          + " answer could not be trusted) or failed, 2 bad usage, 3 database unreachable."
    })
public final class ReconcileCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DatabaseOptions database;

  @Option(names = "--dry-run", description = "Decide and print only (required).")
  boolean dryRun;

  @Option(names = "--json", description = "One JSON object instead of the lines.")
  boolean json;

  /** Opens the configured venue, read-only: no account set-up. */
  private final BiFunction<LiveConfig, Map<String, String>, ExchangeGateway> venues;

  public ReconcileCommand() {
    this(ReconcileCommand::readOnly);
  }

  ReconcileCommand(BiFunction<LiveConfig, Map<String, String>, ExchangeGateway> venues) {
    this.venues = venues;
  }

  /** The configured venue's gateway, with no account set-up and no stream. */
  static ExchangeGateway readOnly(LiveConfig live, Map<String, String> env) {
    return switch (live.exchange()) {
      case ExchangeSettings.Binance b -> binance(live, b, env);
      case ExchangeSettings.Bybit b -> bybit(b, env);
    };
  }

  private static ExchangeGateway binance(
      LiveConfig live, ExchangeSettings.Binance b, Map<String, String> env) {
    Credentials credentials =
        switch (live.venue()) {
          case TESTNET -> Credentials.fromEnvironment(env, true);
          case MAINNET, DEMO, CUSTOM -> Credentials.fromEnvironment(env, false);
        };
    return new BinanceGateway(
        b.config(),
        credentials,
        Clock.system(),
        TradingSettings.defaults().withSymbols(b.settings()));
  }

  /**
   * Bybit's gateway alone: its leverage is set only before an order, which a dry run never sends,
   * and its streams are closed unstarted. The stop names a live start restores are not needed: the
   * reconciler counts a working stop on the position's side whatever its name, and the names only
   * matter for a close's reason, which a dry run does not record.
   */
  private static ExchangeGateway bybit(ExchangeSettings.Bybit b, Map<String, String> env) {
    BybitAdapter adapter =
        BybitAdapter.create(
            b.config(),
            io.positionkeeper.bybit.auth.Credentials.fromEnvironment(env, b.config().network()));
    adapter.streams().close();
    return adapter.gateway();
  }

  @Override
  public Integer call() throws Exception {
    if (!dryRun) {
      throw new CommandException(
          ExitCodes.USAGE,
          "only `reconcile --dry-run` is built; a running keeper reconciles by itself");
    }
    LiveConfig live =
        database
            .live()
            .orElseThrow(
                () ->
                    new CommandException(ExitCodes.USAGE, "reconcile needs --config <live file>"));
    ExchangeGateway venue = venues.apply(live, database.env);
    ReconcileResult result;
    try (DatabaseOptions.Opened db = database.open()) {
      result =
          DryRunReconciliation.run(
              venue,
              new JooqPositionStore(db.pool(), AccountId.of(live.account())),
              Clock.system(),
              KeeperPolicy.standard());
    } finally {
      if (venue instanceof AutoCloseable closeable) {
        closeable.close();
      }
    }
    return print(result, spec.commandLine().getOut());
  }

  private int print(ReconcileResult result, PrintWriter out) {
    switch (result) {
      case ReconcileResult.Refused refused -> {
        throw new CommandException(
            ExitCodes.FAILED,
            "reconciliation of " + refused.exchange() + " refused: " + refused.reason());
      }
      case ReconcileResult.Completed done -> {
        if (json) {
          JsonObject o = new JsonObject();
          o.addProperty("exchange", done.exchange().name());
          o.addProperty("storedOpen", done.storedOpen());
          o.addProperty("venueOpen", done.exchangeOpen());
          o.addProperty("inSync", done.inSync());
          JsonArray unread = new JsonArray();
          done.stopsUnread().forEach(s -> unread.add(s.value()));
          o.add("stopsUnread", unread);
          JsonArray planned = new JsonArray();
          for (ActionOutcome a : done.outcomes()) {
            JsonObject p = new JsonObject();
            p.addProperty("action", a.action().getClass().getSimpleName());
            p.addProperty("symbol", a.action().symbol().value());
            p.addProperty("describe", a.action().describe());
            planned.add(p);
          }
          o.add("planned", planned);
          out.println(new Gson().toJson(o));
        } else {
          out.printf(
              "%s: %d stored open, %d open on the venue, %d in sync%n",
              done.exchange(), done.storedOpen(), done.exchangeOpen(), done.inSync());
          if (!done.stopsUnread().isEmpty()) {
            out.printf(
                "%d with stops that could not be read (unknown, nothing decided on them): %s%n",
                done.stopsUnread().size(), done.stopsUnread());
          }
          if (done.outcomes().isEmpty()) {
            out.println("nothing to change");
          }
          done.outcomes().forEach(a -> out.println("would " + a.action().describe()));
        }
        out.flush();
        return done.outcomes().isEmpty() && done.stopsUnread().isEmpty()
            ? ExitCodes.OK
            : ExitCodes.ATTENTION;
      }
    }
  }
}
