package io.positionkeeper.runner.bench;

import java.util.Arrays;

/** Latency samples in nanoseconds, summarised as percentiles in milliseconds. */
final class Samples {
  private long[] values = new long[1024];
  private int size;

  synchronized void add(long nanos) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = nanos;
  }

  synchronized String summary() {
    if (size == 0) {
      return "no samples";
    }
    long[] sorted = Arrays.copyOf(values, size);
    Arrays.sort(sorted);
    return String.format(
        "n=%d p50=%.3f ms p90=%.3f ms p99=%.3f ms max=%.3f ms",
        size, ms(sorted, 0.50), ms(sorted, 0.90), ms(sorted, 0.99), sorted[size - 1] / 1e6);
  }

  private static double ms(long[] sorted, double q) {
    int index = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, index)] / 1e6;
  }
}
