package io.positionkeeper.runner.commands;

import io.positionkeeper.runner.paper.MarkSeries;
import io.positionkeeper.runner.paper.PaperReport;
import io.positionkeeper.runner.report.HtmlReport;
import io.positionkeeper.runner.report.MarkHistory;
import io.positionkeeper.runner.report.PositionHistory;
import io.positionkeeper.runner.report.ReportReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code keeper report}: the HTML report of positions read back from the database. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Writes one self-contained HTML file (opens offline): per position a price chart with the"
          + " entry, the stop-loss as it moved, the trailing activation and the exit, the"
          + " position's events, and a summary.",
      "The database keeps no mark history: give --marks (time,symbol,mark CSV) to draw the mark"
          + " price; without it a chart draws the prices the events carry.",
      "Exit codes: 0 written, 5 no position matched, 2 bad usage, 3 database unreachable,"
          + " 1 other failure."
    })
public final class ReportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DatabaseOptions database;

  @Option(
      names = {"-o", "--out"},
      defaultValue = "keeper-report.html",
      description = "The HTML file to write (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--position", split = ",", description = "Only these position ids.")
  List<Long> positions = new ArrayList<>();

  @Option(names = "--since", description = "Positions opened from this time on (ISO-8601).")
  String since;

  @Option(names = "--until", description = "Positions opened before this time (ISO-8601).")
  String until;

  @Option(names = "--marks", description = "Mark prices to draw: CSV with time,symbol,mark.")
  Path marks;

  @Option(names = "--json", description = "{\"file\": …, \"positions\": N} instead of the line.")
  boolean json;

  @Override
  public Integer call() throws IOException, SQLException {
    Instant from = time("--since", since, Instant.EPOCH);
    Instant to = time("--until", until, Instant.parse("9999-12-31T00:00:00Z"));
    MarkHistory history = marks == null ? MarkHistory.none() : readMarks(marks);
    List<PositionHistory> chosen = new ArrayList<>();
    try (DatabaseOptions.Opened db = database.open()) {
      ReportReader reader = new ReportReader(db.pool());
      if (positions.isEmpty()) {
        chosen.addAll(reader.openedBetween(from, to));
      } else {
        for (long id : positions) {
          chosen.add(
              reader
                  .position(id)
                  .orElseThrow(
                      () -> new CommandException(ExitCodes.NOT_FOUND, "no position #" + id)));
        }
      }
    }
    if (chosen.isEmpty()) {
      throw new CommandException(ExitCodes.NOT_FOUND, "no position matched; nothing written");
    }
    HtmlReport.write(out, "Position keeper report", chosen, history, Instant.now());
    PrintWriter w = spec.commandLine().getOut();
    String file = out.toAbsolutePath().toString();
    w.println(
        json
            ? "{\"file\":\""
                + file.replace("\\", "\\\\").replace("\"", "\\\"")
                + "\",\"positions\":"
                + chosen.size()
                + "}"
            : "report of " + chosen.size() + " positions: " + file);
    w.flush();
    return ExitCodes.OK;
  }

  private static MarkHistory readMarks(Path file) throws IOException {
    if (!Files.isReadable(file)) {
      throw new CommandException(ExitCodes.USAGE, "cannot read --marks " + file);
    }
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return PaperReport.marks(MarkSeries.read(r, file.toString()));
    } catch (IllegalArgumentException e) {
      throw new CommandException(ExitCodes.USAGE, "--marks " + file + ": " + e.getMessage(), e);
    }
  }

  private static Instant time(String option, String value, Instant otherwise) {
    if (value == null) {
      return otherwise;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new CommandException(
          ExitCodes.USAGE, option + " " + value + " is not a time like 2026-01-01T00:00:00Z", e);
    }
  }
}
