package dev.dockerfilter.it;

import java.util.Arrays;

/** Latencies in nanoseconds, for percentiles. */
final class Latencies {
  private final long[] nanos;
  private int size;

  Latencies(int capacity) {
    nanos = new long[capacity];
  }

  void add(long value) {
    nanos[size++] = value;
  }

  /** The Pth percentile in milliseconds, e.g. {@code millis(50)}. */
  double millis(double p) {
    long[] sorted = Arrays.copyOf(nanos, size);
    Arrays.sort(sorted);
    int index = (int) Math.min(size - 1, Math.max(0, Math.ceil(p / 100 * size) - 1));
    return sorted[index] / 1e6;
  }

  @Override
  public String toString() {
    return String.format(
        "p50=%.3f ms p99=%.3f ms max=%.3f ms (n=%d)", millis(50), millis(99), millis(100), size);
  }
}
