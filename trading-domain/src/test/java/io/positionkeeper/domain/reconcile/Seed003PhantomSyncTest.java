package io.positionkeeper.domain.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.CloseReason;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.ExchangeOrderId;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionStatus;
import io.positionkeeper.ports.model.StopStatus;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The position synchronizer of the bot this project replaces, on Bybit (2025-10-11), replayed as
 * one reconciliation at startup.
 *
 * <p>Its "before" state: 30 active rows, of which 12 phantoms (rows for positions no longer on the
 * exchange) and 18 wave positions that are really open; 0 rows with an exchange order id. The
 * exchange also holds ORBSUSDT (short 200 @ 0.0150) and BLASTUSDT (short 5400 @ 0.0018) without
 * rows, and stale zero-size rows that the old code counted as positions.
 *
 * <p>How these numbers relate to what the old bot reported after its fix: "Total active positions
 * 30 → 22" and "Phantom 12 → 11" came out of two restarts, because stale rows distorted the
 * comparison (9 phantoms closed on the first sync, 11 "to be cleaned on the next sync"), and "Wave
 * 18 → 9" reflects trading between the restarts, not reconciliation. What the fix was meant to
 * achieve, and what this run asserts in one pass: phantoms 12 → 0 (all 12 closed as PHANTOM),
 * "synced with order_id" 0 → 2 (ORBS and BLAST adopted with the REAL ids from the order history,
 * not the fabricated "ORBS/USDT:USDT_0" of the old bot, and protected by a stop that the old bot
 * left "pending"), the 18 wave positions untouched, 0 errors; active rows 30 → 20 (18 + 2).
 */
class Seed003PhantomSyncTest {
  private static final List<String> WAVES =
      List.of(
          "BTCUSDT",
          "ETHUSDT",
          "SOLUSDT",
          "XRPUSDT",
          "ADAUSDT",
          "AVAXUSDT",
          "LINKUSDT",
          "DOTUSDT",
          "LTCUSDT",
          "ATOMUSDT",
          "NEARUSDT",
          "APTUSDT",
          "ARBUSDT",
          "OPUSDT",
          "SUIUSDT",
          "TIAUSDT",
          "SEIUSDT",
          "INJUSDT");
  // The 9 phantoms the old bot's first sync closed, and 3 of the 11 it left behind.
  private static final List<String> PHANTOMS =
      List.of(
          "BROCCOLIF3BUSDT",
          "GHSTUSDT",
          "1000WHYUSDT",
          "GASUSDT",
          "CRVUSDT",
          "DOGEUSDT",
          "ZILUSDT",
          "IOTAUSDT",
          "BNBUSDT",
          "ALPACAUSDT",
          "LINAUSDT",
          "OMNIUSDT");
  private static final Symbol ORBS = Symbol.of("ORBSUSDT");
  private static final Symbol BLAST = Symbol.of("BLASTUSDT");
  // Bybit order ids are opaque UUIDs, as its order history returns them.
  private static final ExchangeOrderId ORBS_ORDER =
      ExchangeOrderId.of("1d7b6f0e-52a4-4c1e-9a33-0c8e5b7f2a91");
  private static final ExchangeOrderId BLAST_ORDER =
      ExchangeOrderId.of("8f2c4a1b-0e6d-47d2-b5a8-3e9f1c7d6b24");

  @TempDir Path dir;
  private ReconcileFixture f;

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void seed003_12PhantomsClosed_2AdoptedWithTheirRealOrderIdsAndProtected_18Untouched() {
    f = new ReconcileFixture(dir, Exchange.BYBIT);
    Stream.concat(WAVES.stream(), PHANTOMS.stream())
        .forEach(s -> f.instrument(Symbol.of(s), "0.0001", "0.1", "1.0000"));
    f.instrument(ORBS, "0.00001", "1", "0.01500");
    f.instrument(BLAST, "0.000001", "1", "0.001800");
    f.instrument(Symbol.of("SKLUSDT"), "0.00001", "1", "0.03245");

    // The exchange as the bot found it at restart: stale flat rows first (for four phantoms and
    // for a symbol we never held), then the two positions opened outside the bot.
    for (String s : List.of("DOGEUSDT", "BNBUSDT", "ZILUSDT", "SKLUSDT", "GASUSDT")) {
      f.exchange.seedPosition(Symbol.of(s), BigDecimal.ZERO, BigDecimal.ZERO, Optional.empty());
    }
    f.exchange.seedPosition(
        ORBS, new BigDecimal("-200"), new BigDecimal("0.0150"), Optional.of(ORBS_ORDER));
    f.exchange.seedPosition(
        BLAST, new BigDecimal("-5400"), new BigDecimal("0.0018"), Optional.of(BLAST_ORDER));
    // The 30 rows, loaded into the book at startup: 18 open and protected, 12 long gone.
    List<Long> waveIds = new ArrayList<>();
    for (int i = 0; i < WAVES.size(); i++) {
      boolean longSide = i % 2 == 0;
      waveIds.add(
          f.storedPosition(
              Symbol.of(WAVES.get(i)),
              longSide ? PositionSide.LONG : PositionSide.SHORT,
              "100",
              "1.0000",
              longSide ? "0.9800" : "1.0200",
              true));
    }
    List<Long> phantomIds =
        PHANTOMS.stream()
            .map(s -> f.storedPosition(Symbol.of(s), PositionSide.LONG, "100", "1", "0.98", false))
            .toList();
    Map<Long, PositionRecord> wavesBefore = rows(waveIds);
    int stopsPlacedBefore = f.exchange.faults().calls(FakeExchange.Op.PLACE_STOP);

    var result = (ReconcileResult.Completed) f.reconciler().reconcile();

    // The synchronization summary, as the old bot's log prints it.
    assertThat(result.storedOpen()).isEqualTo(30); //   DB positions found: 30
    assertThat(result.exchangeOpen()).isEqualTo(20); // exchange positions (18 + 2), flat left out
    assertThat(result.flatRowsIgnored()).isEqualTo(5);
    assertThat(result.inSync()).isEqualTo(18); //        Verified
    assertThat(result.count(ReconcileAction.ClosePhantom.class, ActionOutcome.Status.APPLIED))
        .isEqualTo(12); //                                Phantom closed
    assertThat(result.count(ReconcileAction.AdoptMissing.class, ActionOutcome.Status.APPLIED))
        .isEqualTo(2); //                                 Missing added
    assertThat(result.errors()).isZero(); //              Errors: 0
    assertThat(result.outcomes()).hasSize(14);

    // 12 phantoms closed as PHANTOM, their trailing states removed, out of the book.
    assertThat(rows(phantomIds).values())
        .allSatisfy(
            r -> {
              assertThat(r.status()).isEqualTo(PositionStatus.CLOSED);
              assertThat(r.closeReason()).contains(CloseReason.PHANTOM);
            });
    assertThat(f.trailing.stopped).containsExactlyInAnyOrderElementsOf(phantomIds);
    phantomIds.forEach(id -> assertThat(f.trailingStore.find(id)).isEmpty());

    // 18 wave positions untouched: same rows, same stops, no order sent.
    assertThat(rows(waveIds)).isEqualTo(wavesBefore);
    assertThat(f.exchange.orderRequests()).isEmpty();

    // 2 adopted, each with the REAL order id from the exchange's history and a working stop 2 %
    // above the entry (shorts), recorded on the row.
    PositionRecord orbs = openRow(ORBS);
    PositionRecord blast = openRow(BLAST);
    assertThat(orbs.exchangeOrderId()).isEqualTo(ORBS_ORDER);
    assertThat(blast.exchangeOrderId()).isEqualTo(BLAST_ORDER);
    assertThat(List.of(orbs, blast))
        .allSatisfy(
            r -> {
              assertThat(r.exchangeOrderId().value()).doesNotEndWith("_0").doesNotContain("/");
              assertThat(r.side()).isEqualTo(PositionSide.SHORT);
              assertThat(r.entryClientOrderId()).isEmpty(); // we never placed its order
            });
    assertThat(orbs.quantity()).isEqualByComparingTo("200");
    assertThat(blast.quantity()).isEqualByComparingTo("5400");
    assertThat(orbs.stopPrice())
        .hasValueSatisfying(p -> assertThat(p).isEqualByComparingTo("0.0153"));
    assertThat(blast.stopPrice())
        .hasValueSatisfying(p -> assertThat(p).isEqualByComparingTo("0.001836"));
    assertThat(f.exchange.workingStops(ORBS))
        .singleElement()
        .satisfies(s -> assertThat(s.clientId()).isEqualTo(orbs.stopClientId().orElseThrow()));
    assertThat(f.exchange.workingStops(BLAST))
        .singleElement()
        .satisfies(s -> assertThat(s.clientId()).isEqualTo(blast.stopClientId().orElseThrow()));
    assertThat(f.exchange.faults().calls(FakeExchange.Op.PLACE_STOP) - stopsPlacedBefore)
        .isEqualTo(2);

    // Every open position on the exchange has exactly one working stop; the book holds 20.
    assertThat(f.exchange.openPositions())
        .hasSize(20)
        .allSatisfy(
            p ->
                assertThat(
                        f.exchange.allStops().stream()
                            .filter(
                                s ->
                                    s.symbol().equals(p.symbol())
                                        && s.status() == StopStatus.WORKING))
                    .hasSize(1));
    assertThat(f.book.size()).isEqualTo(20);
    assertThat(f.store.loadOpen()).hasSize(20);

    // The trail tells it: 12 phantom closes, 2 adoptions and their stops, nothing dead-lettered.
    List<AuditRecord> trail = f.trail();
    assertThat(trail)
        .filteredOn(r -> r.type().equals("POSITION_CLOSED"))
        .hasSize(12)
        .allSatisfy(r -> assertThat(r.payload()).containsEntry("reason", "PHANTOM"));
    assertThat(trail)
        .filteredOn(r -> r.type().equals("POSITION_ADOPTED"))
        .extracting(r -> r.payload().get("exchangeOrderId"))
        .containsExactlyInAnyOrder(ORBS_ORDER.value(), BLAST_ORDER.value());
    assertThat(trail)
        .filteredOn(
            r -> r.type().equals("STOP_PLACED") && "adopted".equals(r.payload().get("context")))
        .hasSize(2);
    assertThat(f.deadLetters.letters()).isEmpty();
    assertThat(f.writer.stats().journalFailures()).isZero();

    // Second sync (the old bot's 01:10 restart): everything matches, nothing to do.
    var second = (ReconcileResult.Completed) f.reconciler().reconcile();
    assertThat(second.actions()).isEmpty();
    assertThat(second.inSync()).isEqualTo(20);
  }

  private Map<Long, PositionRecord> rows(List<Long> ids) {
    return ids.stream()
        .collect(Collectors.toMap(Function.identity(), id -> f.store.find(id).orElseThrow()));
  }

  private PositionRecord openRow(Symbol symbol) {
    return f.store.loadOpen().stream()
        .filter(r -> r.symbol().equals(symbol))
        .findFirst()
        .orElseThrow();
  }
}
