package io.positionkeeper.runner.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.runner.campaign.RunnerRig.VenueStop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The campaign's invariants, read from the venue (the emulator's own books) and the database, never
 * from the runner's memory, whatever the venue ({@link CampaignView}). Each check returns what is
 * wrong, empty when it holds, so a scenario can wait for the state to settle and then report every
 * violation at once.
 */
final class CampaignInvariants {
  private CampaignInvariants() {}

  /**
   * Waits up to {@code settle} for the runner to settle the state, then reports every violation at
   * once; the runner must still be running.
   */
  static void assertSettle(CampaignView rig, Duration settle) throws InterruptedException {
    List<String> violations = new ArrayList<>();
    try {
      rig.await("the invariants to hold", settle, () -> violations(rig).isEmpty());
    } catch (AssertionError timedOut) {
      violations.addAll(violations(rig));
    }
    violations.addAll(noSecretInLogs(rig.outputs(), rig.secrets()));
    assertThat(rig.runnerAlive()).as("the runner keeps running").isTrue();
    assertThat(violations).as("invariant violations").isEmpty();
  }

  /** I1 to I4 on the rig's symbol. */
  static List<String> violations(CampaignView rig) {
    List<String> all = new ArrayList<>();
    all.addAll(oneStopPerPosition(rig));
    all.addAll(oneEntryPerIntent(rig));
    all.addAll(databaseMatchesVenue(rig));
    all.addAll(auditTrailWhole(rig));
    return all;
  }

  /** I1: a position on the venue has exactly one working stop; no position, no stop of ours. */
  static List<String> oneStopPerPosition(CampaignView rig) {
    return oneStop(rig.symbol(), rig.positionAmount(), rig.workingStops());
  }

  /** I1 on one symbol of a multi-symbol rig. */
  static List<String> oneStopPerPosition(RunnerRig rig, String symbol) {
    return oneStop(symbol, rig.positionAmount(symbol), rig.workingStops(symbol));
  }

  private static List<String> oneStop(String symbol, BigDecimal amount, List<VenueStop> stops) {
    if (amount.signum() != 0 && stops.size() != 1) {
      return List.of("I1: position " + amount + " on " + symbol + " has stops " + stops);
    }
    if (amount.signum() == 0 && !stops.isEmpty()) {
      return List.of("I1: no position on " + symbol + " but stops are working: " + stops);
    }
    return List.of();
  }

  /** I2: no entry client id names more than one order on the venue. */
  static List<String> oneEntryPerIntent(CampaignView rig) {
    List<String> wrong = new ArrayList<>();
    rig.entryOrdersByClientId()
        .forEach(
            (id, orders) -> {
              if (orders > 1) {
                wrong.add("I2: entry client id " + id + " names " + orders + " orders");
              }
            });
    return wrong;
  }

  /**
   * I3: the database matches the venue: one open row per venue position with its side and size,
   * none without one, and the row's stop is the one working on the venue at the price it records
   * (by its client id where the venue keeps one; Bybit's position stop has none, so the row must
   * name one and record the position's trigger).
   */
  static List<String> databaseMatchesVenue(CampaignView rig) {
    return databaseMatchesVenue(rig, rig.symbol(), rig.positionAmount(), rig.workingStops());
  }

  /** I3 on one symbol of a multi-symbol rig. */
  static List<String> databaseMatchesVenue(RunnerRig rig, String symbol) {
    return databaseMatchesVenue(rig, symbol, rig.positionAmount(symbol), rig.workingStops(symbol));
  }

  private static List<String> databaseMatchesVenue(
      CampaignView rig, String symbol, BigDecimal amount, List<VenueStop> stops) {
    long active =
        rig.count(
            "SELECT count(*) FROM monitoring.positions WHERE status IN ('ACTIVE','CLOSING')"
                + " AND symbol = '"
                + symbol
                + "'");
    if (amount.signum() == 0) {
      return active == 0
          ? List.of()
          : List.of("I3: " + active + " open rows on " + symbol + " but no venue position");
    }
    if (active != 1) {
      return List.of("I3: venue holds " + amount + " on " + symbol + " but open rows: " + active);
    }
    List<String> wrong = new ArrayList<>();
    String where =
        " FROM monitoring.positions WHERE status = 'ACTIVE' AND symbol = '" + symbol + "'";
    String side = rig.one("SELECT side" + where);
    if (side == null) {
      // The one open row is CLOSING: the runner is closing what the venue still holds. A state to
      // wait out, and a violation if it lasts.
      return List.of("I3: venue holds " + amount + " on " + symbol + " but its row is CLOSING");
    }
    BigDecimal quantity = new BigDecimal(rig.one("SELECT quantity" + where));
    if (!side.equals(amount.signum() > 0 ? "LONG" : "SHORT")
        || quantity.compareTo(amount.abs()) != 0) {
      wrong.add("I3: row " + side + " " + quantity + " but the venue holds " + amount);
    }
    String stopId = rig.one("SELECT stop_client_id" + where);
    String stopPrice = rig.one("SELECT stop_price" + where);
    boolean recorded =
        stopId != null
            && stopPrice != null
            && stops.stream()
                .anyMatch(
                    s ->
                        s.clientId().map(stopId::equals).orElse(true)
                            && s.trigger().compareTo(new BigDecimal(stopPrice)) == 0);
    if (!recorded) {
      wrong.add("I3: row's stop " + stopId + " @ " + stopPrice + " but working: " + stops);
    }
    return wrong;
  }

  /** I4: nothing dead-lettered, and no event names a position that has no row. */
  static List<String> auditTrailWhole(CampaignView rig) {
    List<String> wrong = new ArrayList<>();
    long dead = rig.count("SELECT count(*) FROM monitoring.dead_letter_events");
    if (dead > 0) {
      wrong.add(
          "I4: "
              + dead
              + " dead letters: "
              + rig.one("SELECT string_agg(reason, ' | ') FROM monitoring.dead_letter_events"));
    }
    long rowsWithoutEvents =
        rig.count(
            "SELECT count(*) FROM monitoring.positions p WHERE NOT EXISTS"
                + " (SELECT 1 FROM monitoring.events e WHERE e.position_id = p.id)");
    if (rowsWithoutEvents > 0) {
      wrong.add("I4: " + rowsWithoutEvents + " position rows without any event");
    }
    return wrong;
  }

  /** I5: no secret in any output of any incarnation of the runner. */
  static List<String> noSecretInLogs(List<Path> outputs, List<String> secrets) {
    List<String> wrong = new ArrayList<>();
    for (Path out : outputs) {
      String text = read(out);
      for (String secret : secrets) {
        if (text.contains(secret)) {
          wrong.add("I5: a secret (" + secret.length() + " chars) is in " + out.getFileName());
        }
      }
    }
    return wrong;
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
