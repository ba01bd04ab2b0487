package dev.dockerfilter.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class StdoutBufferTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  @Test
  void linesGoOutWholeAndInOrderWithoutAFlush() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StdoutBuffer buffer = new StdoutBuffer(out, 1024, StdoutBuffer.FLUSH_INTERVAL);
    for (int i = 0; i < 20; i++) {
      buffer.write(line(i));
    }
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (out.size() < 20 * line(0).length && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(text(out)).isEqualTo(lines(0, 20));
    assertThat(buffer.dropped()).isZero();
  }

  @Test
  void aWriterThatNobodyReadsNeverBlocksTheCallerAndDropsWholeLines() throws Exception {
    CountDownLatch unblock = new CountDownLatch(1);
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    OutputStream stuck =
        new OutputStream() {
          @Override
          public void write(int b) {
            throw new UnsupportedOperationException();
          }

          @Override
          public void write(byte[] bytes, int offset, int length) {
            try {
              unblock.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            written.write(bytes, offset, length);
          }
        };
    int lineBytes = line(0).length;
    StdoutBuffer buffer = new StdoutBuffer(stuck, 10 * lineBytes, StdoutBuffer.FLUSH_INTERVAL);
    buffer.write(line(0));
    buffer.flush();
    Thread.sleep(200); // the writer takes line 0 and blocks on it

    long start = System.nanoTime();
    for (int i = 1; i <= 100; i++) {
      buffer.write(line(i));
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    assertThat(buffer.dropped()).as("lines beyond the buffer's ten").isEqualTo(90);

    unblock.countDown();
    buffer.drain(WAIT);
    assertThat(text(written)).isEqualTo(lines(0, 11));
  }

  @Test
  void aBufferHalfFullIsWrittenWithoutWaitingForTheInterval() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int lineBytes = line(0).length;
    StdoutBuffer buffer = new StdoutBuffer(out, 100 * lineBytes, Duration.ofHours(1));
    for (int i = 0; i < 50; i++) {
      buffer.write(line(i));
    }
    Thread.sleep(200);
    assertThat(out.size()).as("half full: waits for the interval").isZero();
    buffer.write(line(50));
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (out.size() < 51 * lineBytes && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(text(out)).isEqualTo(lines(0, 51));
  }

  @Test
  void drainGivesUpWhenOutputNeverMoves() throws Exception {
    OutputStream never =
        new OutputStream() {
          @Override
          public void write(int b) {}

          @Override
          public void write(byte[] bytes, int offset, int length) {
            try {
              Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    StdoutBuffer buffer = new StdoutBuffer(never, 1024, StdoutBuffer.FLUSH_INTERVAL);
    buffer.write(line(1));
    long start = System.nanoTime();
    buffer.drain(Duration.ofMillis(300));
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isBetween(Duration.ofMillis(250), Duration.ofSeconds(2));
  }

  private static byte[] line(int i) {
    return String.format("line %04d%n", i).getBytes(StandardCharsets.UTF_8);
  }

  private static String lines(int from, int to) {
    StringBuilder text = new StringBuilder();
    for (int i = from; i < to; i++) {
      text.append(new String(line(i), StandardCharsets.UTF_8));
    }
    return text.toString();
  }

  private static String text(ByteArrayOutputStream out) {
    synchronized (out) {
      return out.toString(StandardCharsets.UTF_8);
    }
  }
}
