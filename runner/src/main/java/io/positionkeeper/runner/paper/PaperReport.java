package io.positionkeeper.runner.paper;

import io.positionkeeper.runner.report.HtmlReport;
import io.positionkeeper.runner.report.MarkHistory;
import io.positionkeeper.runner.report.ReportReader;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** The report at the end of a paper run: this run's positions, charted on the replayed marks. */
public final class PaperReport {
  private PaperReport() {}

  static void write(DataSource pool, long afterPositionId, List<MarkTick> ticks, Path file)
      throws IOException, SQLException {
    HtmlReport.write(
        file,
        "Paper session report",
        new ReportReader(pool).positionsAfter(afterPositionId),
        marks(ticks),
        ticks.get(ticks.size() - 1).at());
  }

  /** The replayed marks by symbol, as a report draws them. */
  public static MarkHistory marks(List<MarkTick> ticks) {
    Map<String, List<MarkHistory.Point>> bySymbol = new LinkedHashMap<>();
    for (MarkTick t : ticks) {
      bySymbol
          .computeIfAbsent(t.symbol().value(), s -> new ArrayList<>())
          .add(new MarkHistory.Point(t.at(), t.mark()));
    }
    return MarkHistory.of(bySymbol);
  }
}
