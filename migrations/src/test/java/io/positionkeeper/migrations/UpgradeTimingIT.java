package io.positionkeeper.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.migrations.timing.UpgradeTiming;
import io.positionkeeper.migrations.timing.UpgradeTiming.Sizes;
import io.positionkeeper.migrations.timing.UpgradeTiming.Step;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The upgrade-timing harness on a small database, so the figures in the README come from a harness
 * that builds what it says: a database at V10 (positions, events, signals and dead letters, all of
 * the single account) that V11-V17 upgrade, each migration timed.
 */
class UpgradeTimingIT {

  @Test
  void aV10DatabaseWithDeadLetters_isTimedThroughV11toV17_andEndsWithEveryGuardValidated()
      throws Exception {
    DataSource db = TestDatabases.emptyDatabase();

    UpgradeTiming.build(db, "10", new Sizes(20_000, 1_000, 100, 200));
    assertThat(count(db, "SELECT count(*) FROM monitoring.dead_letter_events")).isEqualTo(200);
    assertThat(count(db, "SELECT count(*) FROM monitoring.events")).isEqualTo(20_000);

    List<Step> steps = UpgradeTiming.upgrade(db);

    assertThat(steps)
        .extracting(Step::version)
        .startsWith("11", "12", "13", "14", "15", "16", "17");
    assertThat(steps).allSatisfy(s -> assertThat(s.seconds()).isPositive());
    // V12 gave every dead letter an account: half by their position, half as the one account's.
    assertThat(
            count(
                db, "SELECT count(*) FROM monitoring.dead_letter_events WHERE account = 'default'"))
        .isEqualTo(200);
    assertThat(
            count(
                db,
                "SELECT count(*) FROM pg_constraint WHERE convalidated AND conname IN"
                    + " ('dead_letter_events_account_check', 'events_position_account_fkey')"))
        .isEqualTo(2);
    assertThat(
            count(
                db, "SELECT count(*) FROM pg_constraint WHERE conname = 'events_position_id_fkey'"))
        .isZero();
    Migrations.validate(db);
  }

  private static long count(DataSource db, String query) throws Exception {
    return Long.parseLong(UpgradeTiming.one(db, query));
  }
}
