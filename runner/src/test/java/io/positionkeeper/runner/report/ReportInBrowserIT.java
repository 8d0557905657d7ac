package io.positionkeeper.runner.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import io.positionkeeper.runner.paper.PaperOptions;
import io.positionkeeper.runner.paper.PaperSession;
import io.positionkeeper.runner.paper.Progress;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report of the bundled paper session in a real browser: Debian's headless Chromium opens the
 * file, nothing is fetched from the network, no console error or exception, every position's chart
 * is drawn (its mark line and stop line visible in a screenshot of the chart's area).
 */
class ReportInBrowserIT {
  private static final int MARK_BLUE = 0x2962ff;
  private static final int STOP_RED = 0xd32f2f;
  @TempDir static Path home;
  static Path report;

  @BeforeAll
  static void paperRun() throws Exception {
    PaperOptions options = new PaperOptions(home, true, Optional.empty(), Optional.empty());
    new PaperSession(
            options, Progress.forOutput(new PrintStream(new ByteArrayOutputStream()), false))
        .run();
    report = options.reportFile();
  }

  @Test
  void paperReport_opensOffline_withoutConsoleErrors_andEveryChartIsDrawn() throws Exception {
    String html = Files.readString(report, StandardCharsets.UTF_8);
    assertThat(html).doesNotContain("<script src", "<link ");
    assertThat(html).contains("Session summary", "TRAILING_STOP", "STOP_LOSS", "STOP_MOVED");
    // Position #1's events in the order they were made, though the row's came first to the table.
    assertThat(html.indexOf("POSITION_PRE_REGISTERED"))
        .isPositive()
        .isLessThan(html.indexOf("ENTRY_ORDER_PLACED"));
    assertThat(html.indexOf("FILL_VERIFIED")).isLessThan(html.indexOf("POSITION_CREATED"));

    try (HeadlessChromium chromium = HeadlessChromium.launch()) {
      chromium.open(report);
      JsonElement drawn = chromium.evaluate("document.body.getAttribute('data-charts-drawn')");
      assertThat(drawn).isNotNull();
      assertThat(drawn.getAsString()).isEqualTo("4");
      chromium.evaluate(
          "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(1))))");
      JsonArray charts =
          HeadlessChromium.array(
              chromium.evaluate(
                  "JSON.stringify(Array.from(document.querySelectorAll('.chart')).map(e => {"
                      + " const r = e.getBoundingClientRect();"
                      + " return [e.id, r.x + scrollX, r.y + scrollY, r.width, r.height,"
                      + " e.querySelectorAll('canvas').length]; }))"));
      assertThat(charts).hasSize(4);
      Path shots = Path.of("target", "report-screenshots");
      Files.createDirectories(shots);
      for (JsonElement c : charts) {
        JsonArray chart = c.getAsJsonArray();
        String id = chart.get(0).getAsString();
        assertThat(chart.get(5).getAsInt()).as("canvases in %s", id).isPositive();
        byte[] png =
            chromium.screenshot(
                chart.get(1).getAsDouble(),
                chart.get(2).getAsDouble(),
                chart.get(3).getAsDouble(),
                chart.get(4).getAsDouble());
        Files.write(shots.resolve(id + ".png"), png);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(pixelsNear(image, MARK_BLUE))
            .as("mark line pixels in %s", id)
            .isGreaterThan(200);
        assertThat(pixelsNear(image, STOP_RED)).as("stop line pixels in %s", id).isGreaterThan(100);
      }
      assertThat(chromium.errors()).isEmpty();
      assertThat(chromium.remoteRequests()).isEmpty();
    }
  }

  @Test
  void theBrowserCheck_seesAScriptError_andAnEmptyChartArea(@TempDir Path dir) throws Exception {
    Path page = dir.resolve("broken.html");
    Files.writeString(
        page,
        "<html><body><div class=chart style='width:400px;height:200px'></div>"
            + "<script>console.error('drawn wrong'); null.x;</script></body></html>");
    try (HeadlessChromium chromium = HeadlessChromium.launch()) {
      chromium.open(page);
      BufferedImage image =
          ImageIO.read(new ByteArrayInputStream(chromium.screenshot(8, 8, 400, 200)));
      assertThat(pixelsNear(image, MARK_BLUE)).isZero();
      assertThat(chromium.errors()).hasSize(2);
    }
  }

  /** Pixels within a small distance of {@code rgb}: a drawn line's colour, anti-aliasing aside. */
  static int pixelsNear(BufferedImage image, int rgb) {
    int count = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int p = image.getRGB(x, y);
        int dr = ((p >> 16) & 0xff) - ((rgb >> 16) & 0xff);
        int dg = ((p >> 8) & 0xff) - ((rgb >> 8) & 0xff);
        int db = (p & 0xff) - (rgb & 0xff);
        if (dr * dr + dg * dg + db * db < 40 * 40) {
          count++;
        }
      }
    }
    return count;
  }
}
