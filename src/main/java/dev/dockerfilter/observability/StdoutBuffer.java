package dev.dockerfilter.observability;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.time.Duration;

/**
 * Standard output with a buffer that a background thread empties every {@link #FLUSH_INTERVAL}.
 *
 * <p>Under load, writing each access line with its own system call cost about a third of the
 * proxy's CPU time; with the buffer, lines go out in batches. A line waits at most one interval,
 * and a {@code kill -9} loses at most that much. Lines other than access lines are flushed at once
 * (see {@link Logging}).
 */
final class StdoutBuffer extends BufferedOutputStream {
  static final Duration FLUSH_INTERVAL = Duration.ofMillis(50);
  private static final int BUFFER_BYTES = 64 * 1024;

  private static final StdoutBuffer INSTANCE = new StdoutBuffer();

  private StdoutBuffer() {
    super(new FileOutputStream(FileDescriptor.out), BUFFER_BYTES);
    Thread flusher = new Thread(this::flushForever, "log-flush");
    flusher.setDaemon(true);
    flusher.start();
    // An exit that does not go through the proxy's own stop still writes the last lines.
    Runtime.getRuntime().addShutdownHook(new Thread(this::flushQuietly, "log-flush-at-exit"));
  }

  /** The one buffer over the process's standard output. */
  static StdoutBuffer instance() {
    return INSTANCE;
  }

  /** Flushes without throwing: a closed or broken stdout is not ours to report. */
  void flushQuietly() {
    try {
      flush();
    } catch (IOException e) {
      // Nothing to do: there is nowhere left to write the error to.
    }
  }

  /** Logback closes its stream when it is reconfigured; standard output must stay open. */
  @Override
  public void close() {
    flushQuietly();
  }

  private void flushForever() {
    while (true) {
      try {
        Thread.sleep(FLUSH_INTERVAL.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      flushQuietly();
    }
  }
}
