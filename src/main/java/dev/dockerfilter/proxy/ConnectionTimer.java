package dev.dockerfilter.proxy;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The one deadline that runs on a client connection at a time. Arming a deadline replaces the one
 * before; a deadline replaced or cancelled never fires, even when its task was already due.
 *
 * <p>A request moves a connection through several deadlines (idle, header read, upstream headers,
 * idle again), so arming and cancelling must be cheap: at most one wake-up is scheduled. Arming a
 * later deadline keeps the wake-up that is already scheduled, which then finds the deadline moved
 * and sleeps again for the rest; only an earlier deadline schedules a new one. Cancelling leaves
 * the wake-up to find nothing to do; {@link #stop} removes it.
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
  private Deadline running = Deadline.NONE;
  private long dueNanos;
  private ScheduledFuture<?> wakeUp;
  private long wakeUpNanos;

  /** FIRED is called on the connection's event loop with the deadline that passed. */
  ConnectionTimer(Consumer<Deadline> fired) {
    this.fired = fired;
  }

  boolean running(Deadline deadline) {
    return running == deadline;
  }

  /** Called on the connection's event loop, like every other method here. */
  void arm(EventExecutor executor, Deadline deadline, Duration after) {
    long delay = after.toNanos();
    running = deadline;
    dueNanos = executor.ticker().nanoTime() + delay;
    if (wakeUp != null && wakeUpNanos - dueNanos <= 0) {
      return;
    }
    if (wakeUp != null) {
      wakeUp.cancel(false);
    }
    schedule(executor, delay);
  }

  void cancel() {
    running = Deadline.NONE;
  }

  /** Cancels the deadline and the scheduled wake-up: the connection is gone. */
  void stop() {
    running = Deadline.NONE;
    if (wakeUp != null) {
      wakeUp.cancel(false);
      wakeUp = null;
    }
  }

  private void schedule(EventExecutor executor, long delayNanos) {
    wakeUpNanos = executor.ticker().nanoTime() + delayNanos;
    wakeUp = executor.schedule(() -> wake(executor), delayNanos, TimeUnit.NANOSECONDS);
  }

  private void wake(EventExecutor executor) {
    wakeUp = null;
    if (running == Deadline.NONE) {
      return;
    }
    long left = dueNanos - executor.ticker().nanoTime();
    if (left > 0) {
      schedule(executor, left);
      return;
    }
    Deadline deadline = running;
    running = Deadline.NONE;
    fired.accept(deadline);
  }
}
