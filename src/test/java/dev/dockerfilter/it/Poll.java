package dev.dockerfilter.it;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits for a condition that a test cannot be told about, by asking again at short intervals. */
final class Poll {
  private static final Duration INTERVAL = Duration.ofMillis(50);

  private Poll() {}

  /** Whether CONDITION became true before TIMEOUT ran out. */
  static boolean until(Duration timeout, Supplier<Boolean> condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (condition.get()) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      sleep(INTERVAL);
    }
  }

  /** Fails the test with WHAT, and what DETAILS supplies, unless CONDITION becomes true. */
  static void await(
      Duration timeout, Supplier<Boolean> condition, String what, Supplier<String> details) {
    if (!until(timeout, condition)) {
      fail("Waited %s for %s%n%s", timeout, what, details.get());
    }
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting", e);
    }
  }
}
