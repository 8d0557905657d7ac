package io.positionkeeper.domain.open;

import static io.positionkeeper.domain.venue.Failures.describe;
import static io.positionkeeper.domain.venue.Failures.unexpected;

import io.positionkeeper.domain.position.PositionKey;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.OrderReport;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry orders whose fate an opening gave up on (an answer lost, a status still unknown at the
 * deadline): such an order can land seconds after its opening rolled back on a flat venue. Until a
 * query settles it, its symbol takes no other entry: one net position per symbol means a second
 * entry and the late one would add up or flip each other, and the keeper would record exits the
 * venue never made. Settled when the venue shows the order final (a fill lands as a position that
 * reconciliation adopts) or proves it absent; still open or still in doubt, it holds the symbol. At
 * most one per symbol, since it refuses the next opening there; kept in memory only (after a
 * restart the startup reconciliation adopts what landed).
 */
final class EntryDoubts {
  private static final Logger log = LoggerFactory.getLogger(EntryDoubts.class);

  private final Map<PositionKey, ClientOrderId> held = new ConcurrentHashMap<>();

  /** The opening on {@code key} ended without knowing whether {@code entry} reached the venue. */
  void hold(PositionKey key, ClientOrderId entry) {
    held.put(key, entry);
    log.warn(
        "{}: entry {} is in doubt; no other entry there until the venue settles it", key, entry);
  }

  /**
   * Why an opening on {@code key} must not send an entry now, after asking the venue once about the
   * entry in doubt there; empty when none is or the answer settled it.
   */
  Optional<String> refusal(ExchangeGateway gateway, PositionKey key) {
    ClientOrderId entry = held.get(key);
    if (entry == null) {
      return Optional.empty();
    }
    String doubt = "an earlier entry order " + entry + " on " + key + " is still in doubt";
    Optional<OrderReport> report;
    try {
      report = gateway.queryOrder(key.symbol(), entry);
    } catch (PortException e) {
      return Optional.of(doubt + " (" + describe(e) + "): an entry now could meet it on the venue");
    } catch (RuntimeException e) {
      log.error("asking the venue about the entry {} in doubt on {} failed", entry, key, e);
      return Optional.of(
          doubt + " (" + unexpected(e) + "): an entry now could meet it on the venue");
    }
    if (report.isPresent() && !report.get().status().isFinal()) {
      return Optional.of(doubt + ": the venue shows it " + report.get().status());
    }
    held.remove(key, entry);
    log.info(
        "{}: entry {} settled: {}",
        key,
        entry,
        report.map(r -> r.status() + " " + r.filledQuantity()).orElse("absent"));
    return Optional.empty();
  }
}
