package io.positionkeeper.domain.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.keeper.Safeguards;
import io.positionkeeper.domain.open.OldOpenings;
import io.positionkeeper.ports.fake.FakeExchange;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The simulator still has teeth: each defect the keeper once had, put back by a switch of {@link
 * TeethGateway} or an old rule among the keeper's {@link Safeguards}, is caught within a bounded
 * number of the CI plan's seeds (the figures and how they were measured are in RELIABILITY.md,
 * "Teeth"). A change that blunts an invariant or the fault mix so that a known defect slips through
 * fails here.
 */
class SimulatorTeethTest {

  /**
   * The seeds among {@code seeds} from {@code first} (the CI plan's) that end in a violation of a
   * kind the CI plan does not quarantine (a quarantined kind also shows without the switch).
   */
  static Map<Long, Violation> caught(TeethGateway.Switch on, long first, int seeds, int steps) {
    return caught(Set.of(on), Safeguards.standard(), first, seeds, steps);
  }

  /** The same, for a keeper built with an old safety rule put back ({@link Safeguards}). */
  static Map<Long, Violation> caught(Safeguards old, long first, int seeds, int steps) {
    return caught(Set.of(), old, first, seeds, steps);
  }

  private static Map<Long, Violation> caught(
      Set<TeethGateway.Switch> on, Safeguards safeguards, long first, int seeds, int steps) {
    return caught(on, safeguards, SimulationCampaignTest.OFF_IN_CI, first, seeds, steps);
  }

  private static Map<Long, Violation> caught(
      Set<TeethGateway.Switch> on,
      Safeguards safeguards,
      Set<SimConfig.FaultClass> off,
      long first,
      int seeds,
      int steps) {
    Map<Long, Violation> found = new LinkedHashMap<>();
    Campaign.Plan plan =
        new Campaign.Plan(
            first,
            seeds,
            steps,
            List.of(FakeExchange.Flavour.BYBIT, FakeExchange.Flavour.BINANCE),
            off,
            SimulationCampaignTest.QUARANTINED,
            1);
    for (long seed = first; seed < first + seeds; seed++) {
      Optional<Violation> v = new Simulation(plan.config(seed), on, safeguards).run();
      long s = seed;
      v.filter(x -> !SimulationCampaignTest.QUARANTINED.contains(x.kind()))
          .ifPresent(x -> found.put(s, x));
    }
    return found;
  }

  @Test
  void anExitInventedFromTheEntry_isCaughtByI4() {
    // Measured: first caught at seed 1, most seeds catch it (RELIABILITY.md); 10 seeds of 300
    // steps keep this test to a few seconds.
    Map<Long, Violation> found = caught(TeethGateway.Switch.INVENTED_EXIT, 1, 10, 300);
    assertThat(found.values())
        .isNotEmpty()
        .allSatisfy(v -> assertThat(v.kind()).isEqualTo(Violation.Kind.I4_INVENTED_EXIT));
  }

  @Test
  void aMoveNeverSettled_isCaughtOnTheOneSeedKnownToCatchIt() {
    // A gap, measured: with STORE off, 1 of the CI plan's first 100 seeds caught it (seed 79, I3
    // at step 101); with STORE on in the plan (session 5), 1 of the first 200 (seed 88,
    // I5_STOP_LOOSENED at step 738); with STREAM on as well (session 6), 1 of the first 300 (seed
    // 146, I5_STOP_LOOSENED at step 320); since a failed move saves the level it asked for (session
    // 11), 1 of the first 1,000 (seed 415, I1_STOP_COUNT at step 246). This keeps that one tooth.
    // RELIABILITY.md, "Teeth", says what would catch it more often.
    Map<Long, Violation> found = caught(TeethGateway.Switch.MOVE_NEVER_SETTLED, 415, 1, 247);
    assertThat(found).containsKey(415L);
  }

  @Test
  void aTrailingStopFrozenForGood_isCaughtByI5() {
    // The control of I5's second half: every move refused, the stop frozen for good. Measured: 86
    // of the CI plan's first 100 seeds, first seed 2, all by I5_STOP_BEHIND_RULE; seeds 1-10 of
    // 1,000 steps catch it in 8 (all but seeds 1 and 10) in a few seconds.
    Map<Long, Violation> found = caught(TeethGateway.Switch.MOVES_REFUSED, 1, 10, 1_000);
    assertThat(found).hasSizeGreaterThanOrEqualTo(8);
    assertThat(found.values())
        .allSatisfy(
            v ->
                assertThat(v.kind())
                    .isEqualTo(Violation.Kind.I5_STOP_BEHIND_RULE)
                    .isNotIn(SimulationCampaignTest.QUARANTINED));
  }

  @Test
  void aRetriedIntentWithoutTheGuard_isCaughtByI2() {
    // Measured: 97 of the CI plan's first 100 seeds, first seed 1 (step 86), all by I2; seeds 1-4
    // of 200 steps hold three catches (1, 3 and 4) and keep this to a second or two.
    Map<Long, Violation> found =
        caught(Safeguards.standard().withIntentGuard(OldOpenings.noIntentGuard()), 1, 4, 200);
    assertThat(found.values())
        .isNotEmpty()
        .allSatisfy(v -> assertThat(v.kind()).isEqualTo(Violation.Kind.I2_DUPLICATE_ENTRY));
  }

  /** The CI plan with reconciliations falling inside openings (INTERLEAVE on). */
  private static final Set<SimConfig.FaultClass> INTERLEAVED =
      java.util.EnumSet.of(
          SimConfig.FaultClass.STREAM,
          SimConfig.FaultClass.OUTAGE,
          SimConfig.FaultClass.UNEXPECTED);

  @Test
  void aReconciliationProtectingAPositionItsOpenerProtects_isCaughtByI1_theStandardRuleIsNot() {
    // Measured (INTERLEAVE on, STREAM, OUTAGE, UNEXPECTED off, seeds 1-100, 1,000 steps): 14 of
    // 100 caught with the old rule, all by I1 (two stops each placed as new); seeds 19 (step 81)
    // and 55 (step 37) are the shortest. The standard rule on the same seeds keeps every invariant.
    Safeguards old =
        Safeguards.standard()
            .withReconcile(
                io.positionkeeper.domain.reconcile.OldReconcileRules
                    .protectingWhileTheOpenerDoes());
    Map<Long, Violation> withOld = caught(Set.of(), old, INTERLEAVED, 19, 1, 82);
    withOld.putAll(caught(Set.of(), old, INTERLEAVED, 55, 1, 38));
    assertThat(withOld).containsOnlyKeys(19L, 55L);
    assertThat(withOld.values())
        .allSatisfy(
            v ->
                assertThat(v.detail())
                    .startsWith(v.detail().substring(0, 7))
                    .contains("placed as a new stop"))
        .allSatisfy(v -> assertThat(v.kind()).isEqualTo(Violation.Kind.I1_STOP_COUNT));
    Map<Long, Violation> standard = caught(Set.of(), Safeguards.standard(), INTERLEAVED, 19, 1, 82);
    standard.putAll(caught(Set.of(), Safeguards.standard(), INTERLEAVED, 55, 1, 38));
    assertThat(standard).isEmpty();
  }

  /**
   * The plan with the outage and the unexpected exception on (every fault class but STREAM: with
   * the streams' faults the two are caught later, the histories longer).
   */
  private static final Set<SimConfig.FaultClass> FAULTY_CALLS =
      java.util.EnumSet.of(SimConfig.FaultClass.STREAM);

  @Test
  void aRollbackThatStripsTheStopOfAPositionItCouldNotClose_isCaughtByI1_theStandardRuleIsNot() {
    // Measured (session 6, every class but STREAM on, seeds 1-40, 1,000 steps): the old rollback
    // is caught in seeds 6 (step 402) and 10 (step 560) by I1 (0 working stops past the window),
    // beside four I4 findings the standard rule shows as well (seeds 18, 20, 22, 37: open).
    Safeguards old = Safeguards.standard().withRollback(OldOpenings.rollbackStrippingTheStop());
    Map<Long, Violation> withOld = caught(Set.of(), old, FAULTY_CALLS, 6, 1, 403);
    assertThat(withOld).containsOnlyKeys(6L);
    assertThat(withOld.get(6L).kind()).isEqualTo(Violation.Kind.I1_STOP_COUNT);
    assertThat(caught(Set.of(), Safeguards.standard(), FAULTY_CALLS, 6, 1, 403)).isEmpty();
  }

  @Test
  void aRollbackSkippedByAnUnexpectedException_isCaught_theStandardRuleIsNot() {
    // Measured (same plan, seeds 1-40, 1,000 steps): 22 of 40 caught, each an exception escaping
    // the opening without its rollback (a driver's bug on the entry order or on recording the
    // stop); seeds 21 (step 48) and 11 (step 76) are the shortest. A bug on the row's insert or
    // on placing the stop no longer escapes the opening (it is settled by reading the store or the
    // venue), so seed 12 (step 77), caught before that, is not.
    Safeguards old =
        Safeguards.standard().withRollback(OldOpenings.rollbackSkippedOnTheUnexpected());
    Map<Long, Violation> withOld =
        new LinkedHashMap<>(caught(Set.of(), old, FAULTY_CALLS, 11, 1, 77));
    withOld.putAll(caught(Set.of(), old, FAULTY_CALLS, 21, 1, 49));
    assertThat(withOld).containsOnlyKeys(11L, 21L);
    assertThat(withOld.values())
        .allSatisfy(v -> assertThat(v.kind()).isEqualTo(Violation.Kind.ESCAPED_EXCEPTION));
    assertThat(caught(Set.of(), Safeguards.standard(), FAULTY_CALLS, 11, 1, 77)).isEmpty();
    assertThat(caught(Set.of(), Safeguards.standard(), FAULTY_CALLS, 21, 1, 49)).isEmpty();
  }
}
