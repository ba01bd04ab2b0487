package dev.dockerfilter.observability;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Standard output behind a memory buffer that only a background thread writes out, every {@link
 * #FLUSH_INTERVAL}, or at once when {@link #flush} asks for it or the buffer is half full.
 *
 * <p>Two reasons. Under load, writing each access line with its own system call cost about a
 * quarter of the proxy's CPU time; in batches it costs little. And the threads that serve clients
 * never wait for standard output: if nobody reads it (a stalled log shipper, a pipe into a stopped
 * process), the buffer fills, further lines are dropped and counted, and once output moves again a
 * {@code msg="log lines dropped"} warning gives the count. A proxy blocked on its log would stop
 * serving, and could not even be stopped. A line waits at most one interval, so a {@code kill -9}
 * loses at most that much.
 */
final class StdoutBuffer extends OutputStream {
  static final Duration FLUSH_INTERVAL = Duration.ofMillis(50);

  /** How long an exit waits for buffered lines to go out before it goes on without them. */
  static final Duration DRAIN_AT_EXIT = Duration.ofSeconds(1);

  /** About 0.2 s of access lines at full speed. */
  static final int BUFFER_BYTES = 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(StdoutBuffer.class);
  private static final StdoutBuffer INSTANCE =
      new StdoutBuffer(new FileOutputStream(FileDescriptor.out), BUFFER_BYTES, FLUSH_INTERVAL);

  static {
    // An exit that does not go through the proxy's own stop still writes the last lines.
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> INSTANCE.drain(DRAIN_AT_EXIT), "log-drain-at-exit"));
  }

  private final OutputStream out;
  private final long intervalMillis;
  private final AtomicLong dropped = new AtomicLong();

  /** Guarded by this. Lines waiting for the writer; swapped with {@link #spare} to write. */
  private byte[] pending;

  private int pendingBytes;
  private byte[] spare;
  private boolean wanted;
  private boolean writing;

  StdoutBuffer(OutputStream out, int capacity, Duration interval) {
    this.out = out;
    this.intervalMillis = interval.toMillis();
    this.pending = new byte[capacity];
    this.spare = new byte[capacity];
    Thread writer = new Thread(this::writeForever, "log-writer");
    writer.setDaemon(true);
    writer.start();
  }

  /** The one buffer over the process's standard output. */
  static StdoutBuffer instance() {
    return INSTANCE;
  }

  /** Takes one line (logback writes each event with one call), or drops it when full. */
  @Override
  public synchronized void write(byte[] bytes, int offset, int length) {
    if (length > pending.length - pendingBytes) {
      dropped.incrementAndGet();
      return;
    }
    System.arraycopy(bytes, offset, pending, pendingBytes, length);
    pendingBytes += length;
    if (pendingBytes > pending.length / 2 && !wanted) {
      // Long lines at full speed: write before the interval ends rather than drop any.
      flush();
    }
  }

  @Override
  public void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  /** Asks the writer to write what is buffered now rather than at the next interval. */
  @Override
  public synchronized void flush() {
    wanted = true;
    notifyAll();
  }

  /**
   * Waits until everything buffered so far is written, for at most {@code atMost}: a standard
   * output that nobody reads must not keep the process from exiting.
   */
  synchronized void drain(Duration atMost) {
    flush();
    long deadline = System.nanoTime() + atMost.toNanos();
    while (pendingBytes > 0 || writing) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Lines dropped and not yet reported. */
  long dropped() {
    return dropped.get();
  }

  /** Logback closes its stream when it is reconfigured; standard output must stay open. */
  @Override
  public void close() {
    flush();
  }

  private void writeForever() {
    while (true) {
      byte[] batch;
      int length;
      synchronized (this) {
        try {
          if (!wanted) {
            wait(intervalMillis);
          }
        } catch (InterruptedException e) {
          return;
        }
        wanted = false;
        batch = pending;
        length = pendingBytes;
        pending = spare;
        pendingBytes = 0;
        writing = length > 0;
      }
      if (length > 0) {
        writeOut(batch, length);
      }
    }
  }

  private void writeOut(byte[] batch, int length) {
    try {
      out.write(batch, 0, length);
      out.flush();
    } catch (IOException e) {
      // Standard output is closed or broken: there is nowhere left to report it.
    }
    synchronized (this) {
      spare = batch;
      writing = false;
      notifyAll();
    }
    long lost = dropped.getAndSet(0);
    if (lost > 0) {
      LOG.atWarn()
          .setMessage("log lines dropped")
          .addKeyValue("count", lost)
          .addKeyValue("why", "standard output was not read fast enough")
          .log();
    }
  }
}
