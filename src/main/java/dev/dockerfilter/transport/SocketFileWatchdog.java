package dev.dockerfilter.transport;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices when the socket file of a unix listener is deleted or replaced while the proxy runs. The
 * listening socket still works for clients already connected, but no new client can reach it (a
 * cleanup job or a second instance's start removed it), so an operator must be told.
 */
final class SocketFileWatchdog {
  private static final Logger LOG = LoggerFactory.getLogger(SocketFileWatchdog.class);

  /** How often the file is checked: one stat call, negligible next to the traffic. */
  static final Duration DEFAULT_PERIOD = Duration.ofSeconds(1);

  private final Path path;
  private final Object identity;
  private final String listener;
  private final ScheduledFuture<?> task;

  /** Whether the last check found the file gone or replaced; we warn once per change. */
  private boolean lost;

  private SocketFileWatchdog(
      Path path, Object identity, String listener, EventLoop loop, Duration period) {
    this.path = path;
    this.identity = identity;
    this.listener = listener;
    long nanos = period.toNanos();
    this.task = loop.scheduleAtFixedRate(this::check, nanos, nanos, TimeUnit.NANOSECONDS);
  }

  /** Checks the file at PATH every PERIOD, on LOOP, until {@link #stop}. */
  static SocketFileWatchdog start(
      Path path, Object identity, String listener, EventLoop loop, Duration period) {
    return new SocketFileWatchdog(path, identity, listener, loop, period);
  }

  void stop() {
    task.cancel(false);
  }

  private void check() {
    boolean ours = isOurs();
    if (!ours && !lost) {
      LOG.atWarn()
          .setMessage(
              "listening socket file was deleted or replaced: new clients cannot connect;"
                  + " connected clients are still served; restart docker-filter to recreate it")
          .addKeyValue("listener", listener)
          .addKeyValue("path", path)
          .log();
    } else if (ours && lost) {
      LOG.atInfo()
          .setMessage("listening socket file is back")
          .addKeyValue("listener", listener)
          .log();
    }
    lost = !ours;
  }

  private boolean isOurs() {
    try {
      return SocketFiles.isSocket(path) && identity.equals(SocketFiles.identity(path));
    } catch (IOException e) {
      return false;
    }
  }
}
