package dev.dockerfilter.proxy;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The one deadline that runs on a client connection at a time. Arming a deadline replaces the one
 * before; a deadline replaced or cancelled never fires, even when its task was already due.
 */
final class ConnectionTimer {
  /** What a deadline waits for. */
  enum Deadline {
    NONE,
    IDLE,
    HEADER_READ,
    UPSTREAM_HEADERS,
    LINGER
  }

  private final Consumer<Deadline> fired;
  private ScheduledFuture<?> task;
  private Deadline running = Deadline.NONE;

  /** FIRED is called on the connection's event loop with the deadline that passed. */
  ConnectionTimer(Consumer<Deadline> fired) {
    this.fired = fired;
  }

  boolean running(Deadline deadline) {
    return running == deadline;
  }

  void arm(EventExecutor executor, Deadline deadline, Duration after) {
    cancel();
    running = deadline;
    task = executor.schedule(() -> fire(deadline), after.toNanos(), TimeUnit.NANOSECONDS);
  }

  void cancel() {
    if (task != null) {
      task.cancel(false);
      task = null;
    }
    running = Deadline.NONE;
  }

  private void fire(Deadline deadline) {
    if (running != deadline) {
      return;
    }
    running = Deadline.NONE;
    task = null;
    fired.accept(deadline);
  }
}
