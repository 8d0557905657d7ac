package io.positionkeeper.runner.report;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The session at a glance: how many positions, how they ended, what they earned. */
record ReportSummary(
    int positions,
    int open,
    Map<String, Integer> closedBy,
    int rolledBack,
    BigDecimal realizedPnl,
    long stopMoves,
    long events,
    long warnings,
    long errors,
    Optional<Instant> from,
    Optional<Instant> to) {

  static ReportSummary of(List<PositionHistory> positions) {
    Map<String, Integer> closedBy = new TreeMap<>();
    int open = 0;
    int rolledBack = 0;
    BigDecimal pnl = BigDecimal.ZERO;
    long moves = 0;
    long events = 0;
    long warnings = 0;
    long errors = 0;
    for (PositionHistory p : positions) {
      switch (p.status()) {
        case "ACTIVE", "CLOSING" -> open++;
        case "ROLLED_BACK" -> rolledBack++;
        default -> p.closeReason().ifPresent(r -> closedBy.merge(r, 1, Integer::sum));
      }
      pnl = pnl.add(p.realizedPnl().orElse(BigDecimal.ZERO));
      for (ReportEvent e : p.events()) {
        events++;
        moves += e.type().equals("STOP_MOVED") ? 1 : 0;
        warnings += e.severity().equals("WARNING") ? 1 : 0;
        errors += e.severity().equals("ERROR") || e.severity().equals("CRITICAL") ? 1 : 0;
      }
    }
    Optional<Instant> from =
        positions.stream().map(PositionHistory::openedAt).min(Instant::compareTo);
    Optional<Instant> to =
        positions.stream().map(p -> p.closedAt().orElse(p.openedAt())).max(Instant::compareTo);
    return new ReportSummary(
        positions.size(),
        open,
        closedBy,
        rolledBack,
        pnl,
        moves,
        events,
        warnings,
        errors,
        from,
        to);
  }
}
