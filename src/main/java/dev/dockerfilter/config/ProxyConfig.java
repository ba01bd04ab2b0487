package dev.dockerfilter.config;

import java.time.Duration;
import java.util.List;

/**
 * Everything the proxy needs to run, validated and immutable.
 *
 * @param listeners where clients connect; at least one
 * @param upstream the Docker Engine socket
 * @param socketFile mode and group of every unix listener's socket file
 * @param limits caps on what one client may send
 * @param timeouts bounds on waiting; none of them applies to a response stream in progress
 * @param shutdownGrace how long open exchanges may go on after SIGTERM
 * @param eventLoopThreads I/O threads; one is fastest on two cores
 */
public record ProxyConfig(
    List<Endpoint> listeners,
    Endpoint upstream,
    SocketFile socketFile,
    Limits limits,
    Timeouts timeouts,
    Duration shutdownGrace,
    int eventLoopThreads) {

  public ProxyConfig {
    listeners = List.copyOf(listeners);
    if (listeners.isEmpty()) {
      throw new IllegalArgumentException("no listener configured (expected at least one --listen)");
    }
    if (listeners.stream().distinct().count() != listeners.size()) {
      throw new IllegalArgumentException(
          "a listener is given twice: '" + listeners + "' (expected distinct addresses)");
    }
    if (upstream instanceof Endpoint.Unix && listeners.contains(upstream)) {
      throw new IllegalArgumentException(
          "a listener is the upstream socket: '" + upstream.uri() + "' (expected another path)");
    }
    requireNonNegative("shutdown grace", shutdownGrace);
    if (eventLoopThreads < 1 || eventLoopThreads > 64) {
      throw new IllegalArgumentException(
          "event loop threads out of range: '" + eventLoopThreads + "' (expected 1 to 64)");
    }
  }

  /**
   * Mode and group for unix socket files.
   *
   * @param mode permission bits, e.g. {@code 0660}
   * @param group a group name or numeric gid, or "" to keep the process's group
   */
  public record SocketFile(int mode, String group) {
    public static final int DEFAULT_MODE = 0660;

    public SocketFile {
      if (mode < 0 || mode > 0777) {
        throw new IllegalArgumentException(
            "socket mode out of range: '" + Integer.toOctalString(mode) + "' (expected 0000-0777)");
      }
    }

    /** Parses an octal mode such as {@code 0660} or {@code 660}. */
    public static int parseMode(String text) {
      if (!text.matches("0?[0-7]{3}")) {
        throw new IllegalArgumentException(
            "invalid socket mode: '" + text + "' (expected octal permission bits, e.g. 0660)");
      }
      return Integer.parseInt(text, 8);
    }
  }

  /**
   * Caps on one client's requests and on the number of clients.
   *
   * @param maxInitialLineBytes longest request line; longer gets 414
   * @param maxHeaderBytes largest header block; larger gets 431
   * @param maxConnections open client connections at once; more get 503
   */
  public record Limits(int maxInitialLineBytes, int maxHeaderBytes, int maxConnections) {
    public Limits {
      requireInRange("max initial line bytes", maxInitialLineBytes, 256, 1 << 20);
      requireInRange("max header bytes", maxHeaderBytes, 1024, 1 << 20);
      requireInRange("max connections", maxConnections, 1, 1 << 20);
    }
  }

  /**
   * Bounds on waiting. A response that has started streaming is never timed out.
   *
   * @param headerRead from a request's first byte to its complete header block
   * @param idle between keep-alive requests
   * @param upstreamConnect connecting to the engine
   * @param upstreamHeaders from forwarding a request to the engine's response head; 0 is none
   */
  public record Timeouts(
      Duration headerRead, Duration idle, Duration upstreamConnect, Duration upstreamHeaders) {
    public Timeouts {
      requirePositive("header read timeout", headerRead);
      requirePositive("idle timeout", idle);
      requirePositive("upstream connect timeout", upstreamConnect);
      requireNonNegative("upstream header timeout", upstreamHeaders);
    }
  }

  private static void requireInRange(String what, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          what + " out of range: '" + value + "' (expected " + min + " to " + max + ")");
    }
  }

  private static void requirePositive(String what, Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(
          what + " must be positive: '" + Durations.format(d) + "' (e.g. 10s)");
    }
  }

  private static void requireNonNegative(String what, Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException(what + " is negative: '" + d + "' (e.g. 10s, or 0)");
    }
  }
}
