package dev.dockerfilter.proxy;

import dev.dockerfilter.config.Endpoint;
import dev.dockerfilter.config.ProxyConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/** What the in-process wire tests share: a proxy configuration, raw writes and status lines. */
final class WireSupport {
  private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] ([0-9]{3}) ");

  private WireSupport() {}

  /** One unix listener at {@code socket} in front of {@code engine}, no shutdown grace. */
  static ProxyConfig config(
      Path socket,
      Path engine,
      Duration headerRead,
      Duration idle,
      Duration upstreamHeaders,
      int maxConnections) {
    return new ProxyConfig(
        List.of(new Endpoint.Unix(socket)),
        new Endpoint.Unix(engine),
        new ProxyConfig.SocketFile(0660, ""),
        new ProxyConfig.Limits(8192, 16384, maxConnections),
        new ProxyConfig.Timeouts(headerRead, idle, Duration.ofSeconds(2), upstreamHeaders),
        Duration.ZERO,
        1);
  }

  /** The same with ten-second client timeouts, a two-second engine timeout and 64 connections. */
  static ProxyConfig config(Path socket, Path engine) {
    return config(
        socket, engine, Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(2), 64);
  }

  /** The status codes of every response in {@code text}, in order. */
  static List<String> statusLines(String text) {
    return STATUS_LINE.matcher(text).results().map(m -> m.group(1)).toList();
  }

  static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
