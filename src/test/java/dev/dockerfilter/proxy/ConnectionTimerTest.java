package dev.dockerfilter.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockerfilter.proxy.ConnectionTimer.Deadline;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The connection's one deadline, on an event loop whose clock the test moves. */
class ConnectionTimerTest {
  private final List<Deadline> fired = new ArrayList<>();
  private final ConnectionTimer timer = new ConnectionTimer(fired::add);
  private EmbeddedChannel channel;
  private EventExecutor loop;

  @BeforeEach
  void freezeTheClock() {
    channel = new EmbeddedChannel();
    channel.freezeTime();
    loop = channel.eventLoop();
  }

  @Test
  void firesOnceWhenItsTimeHasCome() {
    timer.arm(loop, Deadline.IDLE, Duration.ofSeconds(60));
    passSeconds(59);
    assertThat(fired).isEmpty();
    passSeconds(1);
    assertThat(fired).containsExactly(Deadline.IDLE);
    assertThat(timer.running(Deadline.NONE)).isTrue();
    passSeconds(120);
    assertThat(fired).containsExactly(Deadline.IDLE);
  }

  @Test
  void aLaterDeadlineReplacesAnEarlierOneThatWasAlmostDue() {
    timer.arm(loop, Deadline.HEADER_READ, Duration.ofSeconds(10));
    passSeconds(9);
    timer.arm(loop, Deadline.UPSTREAM_HEADERS, Duration.ofSeconds(300));
    passSeconds(10);
    assertThat(fired).isEmpty();
    passSeconds(289);
    assertThat(fired).isEmpty();
    passSeconds(1);
    assertThat(fired).containsExactly(Deadline.UPSTREAM_HEADERS);
  }

  @Test
  void anEarlierDeadlineFiresAtItsOwnTime() {
    timer.arm(loop, Deadline.IDLE, Duration.ofSeconds(60));
    passSeconds(5);
    timer.arm(loop, Deadline.HEADER_READ, Duration.ofSeconds(10));
    passSeconds(9);
    assertThat(fired).isEmpty();
    passSeconds(1);
    assertThat(fired).containsExactly(Deadline.HEADER_READ);
    passSeconds(60);
    assertThat(fired).as("the replaced idle deadline never fires").hasSize(1);
  }

  @Test
  void aCancelledDeadlineNeverFiresEvenWhenItWasDue() {
    timer.arm(loop, Deadline.HEADER_READ, Duration.ofSeconds(10));
    channel.advanceTimeBy(11, TimeUnit.SECONDS);
    timer.cancel();
    channel.runScheduledPendingTasks();
    assertThat(fired).isEmpty();
    assertThat(timer.running(Deadline.NONE)).isTrue();
  }

  @Test
  void stopRemovesTheWakeUpFromTheLoop() {
    timer.arm(loop, Deadline.IDLE, Duration.ofSeconds(60));
    timer.arm(loop, Deadline.HEADER_READ, Duration.ofSeconds(10));
    assertThat(nextTaskDelayNanos()).as("a wake-up is scheduled").isPositive();
    timer.stop();
    assertThat(nextTaskDelayNanos()).as("nothing left scheduled").isEqualTo(-1);
  }

  @Test
  void aRequestCycleReusesTheScheduledWakeUp() {
    // Steady keep-alive traffic: idle, header read, upstream headers, idle again, many times.
    for (int i = 0; i < 1_000; i++) {
      timer.arm(loop, Deadline.IDLE, Duration.ofSeconds(60));
      timer.arm(loop, Deadline.HEADER_READ, Duration.ofSeconds(10));
      timer.cancel();
      timer.arm(loop, Deadline.UPSTREAM_HEADERS, Duration.ofMinutes(5));
      timer.cancel();
      channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    }
    timer.arm(loop, Deadline.IDLE, Duration.ofSeconds(60));
    assertThat(channel.runScheduledPendingTasks()).as("one wake-up, due within 10 s").isPositive();
    passSeconds(59);
    assertThat(fired).isEmpty();
    passSeconds(1);
    assertThat(fired).containsExactly(Deadline.IDLE);
  }

  private long nextTaskDelayNanos() {
    return channel.runScheduledPendingTasks();
  }

  /** Moves the clock a second at a time, running what became due, as a loop would. */
  private void passSeconds(int seconds) {
    for (int i = 0; i < seconds; i++) {
      channel.advanceTimeBy(1, TimeUnit.SECONDS);
      channel.runScheduledPendingTasks();
    }
  }
}
