package io.positionkeeper.runner.paper;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's command run twice: the second session reuses the database and trades as well. */
class PaperReuseIT {
  @TempDir Path home;

  @Test
  void aSecondSessionOnTheReusedDatabase_opensAndClosesItsOwnPositions() throws Exception {
    PaperSummary first = session(true);
    PaperSummary second = session(false);

    assertThat(first.positions()).hasSize(4);
    assertThat(second.positions())
        .extracting(r -> r.symbol() + " " + r.side() + " " + r.status() + " " + r.closeReason())
        .containsExactly(
            "BTCUSDT LONG CLOSED TRAILING_STOP",
            "ETHUSDT SHORT CLOSED TRAILING_STOP",
            "SOLUSDT LONG CLOSED STOP_LOSS",
            "SOLUSDT SHORT ACTIVE null");
  }

  private PaperSummary session(boolean fresh) throws Exception {
    PaperOptions options = new PaperOptions(home, fresh, Optional.empty(), Optional.empty());
    return new PaperSession(
            options, Progress.forOutput(new PrintStream(OutputStream.nullOutputStream()), false))
        .run();
  }
}
