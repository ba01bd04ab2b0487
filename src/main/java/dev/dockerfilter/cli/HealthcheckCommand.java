package dev.dockerfilter.cli;

import dev.dockerfilter.config.Durations;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Asks a running proxy {@code GET /_ping} through its own socket, end to end to the engine, and
 * exits 0 when the answer is {@code 200 OK}: a Docker {@code HEALTHCHECK} or an exec probe.
 *
 * <p>It uses the JDK's unix socket channel and no logging, so that a probe every few seconds costs
 * a JVM start and little more.
 */
@Command(
    name = "healthcheck",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    usageHelpWidth = 100,
    description = {
      "Checks that a running docker-filter and the engine behind it answer.",
      "GET /_ping through the proxy's unix socket must answer 200 OK within the timeout.",
      ""
    },
    footer = {
      "",
      "Exit codes:",
      "  0  healthy: 200 OK",
      "  1  unhealthy: no socket, no answer in time, or another answer",
      "  2  bad usage: an unknown option, or a --socket or --timeout that cannot be read"
    })
final class HealthcheckCommand implements Callable<Integer> {
  static final int HEALTHY = 0;
  static final int UNHEALTHY = 1;

  static final String DEFAULT_SOCKET = "/var/run/docker-filter/docker.sock";

  /** A ping answer is a few hundred bytes; more means something else answered. */
  private static final int MAX_RESPONSE_BYTES = 16 * 1024;

  private static final String REQUEST =
      "GET /_ping HTTP/1.1\r\n"
          + "Host: docker\r\n"
          + "User-Agent: docker-filter-healthcheck\r\n"
          + "Connection: close\r\n"
          + "\r\n";

  @Spec CommandSpec spec;

  @Option(
      names = "--socket",
      paramLabel = "PATH",
      description =
          "The proxy's unix socket. Default: the first unix:// entry of DOCKER_FILTER_LISTEN, "
              + "else "
              + DEFAULT_SOCKET
              + ".")
  String socket;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "3s",
      description = "How long the whole check may take. Default: ${DEFAULT-VALUE}.")
  String timeout;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    // A flag that cannot be read is bad usage (exit 2), never a verdict on the proxy.
    Path path =
        usage(
            socket != null ? "--socket" : "DOCKER_FILTER_LISTEN",
            () -> Path.of(socket != null ? stripScheme(socket) : defaultSocket(System.getenv())));
    Duration limit = usage("--timeout", () -> positive(timeout));
    long started = System.nanoTime();
    String problem = check(path, limit);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    if (problem == null) {
      out.printf(Locale.ROOT, "healthy: GET /_ping on %s answered 200 OK in %d ms%n", path, millis);
      out.flush();
      return HEALTHY;
    }
    err.printf(Locale.ROOT, "unhealthy: GET /_ping on %s: %s%n", path, problem);
    err.flush();
    return UNHEALTHY;
  }

  /** What READER reads, or a usage error that names WHERE the unreadable value came from. */
  private <T> T usage(String where, Supplier<T> reader) {
    try {
      return reader.get();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), where + ": " + e.getMessage(), e);
    }
  }

  private static Duration positive(String text) {
    Duration duration = Durations.parse(text);
    if (duration.isZero()) {
      throw new IllegalArgumentException("must be positive: '" + text + "' (e.g. 3s)");
    }
    return duration;
  }

  /** The first unix listener in DOCKER_FILTER_LISTEN, as the proxy would read it. */
  static String defaultSocket(Map<String, String> env) {
    String listen = env.getOrDefault("DOCKER_FILTER_LISTEN", "");
    for (String uri : listen.split(",")) {
      String trimmed = uri.trim();
      if (trimmed.startsWith("unix://")) {
        return stripScheme(trimmed);
      }
    }
    return DEFAULT_SOCKET;
  }

  private static String stripScheme(String socket) {
    if (socket.contains("://") && !socket.startsWith("unix://")) {
      throw new IllegalArgumentException(
          "not a unix socket: '"
              + socket
              + "' (expected the path or unix:// URI of one of the proxy's unix listeners)");
    }
    String path = socket.startsWith("unix://") ? socket.substring("unix://".length()) : socket;
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException(
          "socket path is not absolute: '" + socket + "' (expected /path/to/docker.sock)");
    }
    return path;
  }

  /** Null when the proxy answered 200 OK in time, else what went wrong. */
  static String check(Path socket, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        Selector selector = Selector.open()) {
      channel.connect(UnixDomainSocketAddress.of(socket));
      channel.configureBlocking(false);
      channel.register(selector, SelectionKey.OP_READ);
      write(channel, REQUEST.getBytes(StandardCharsets.US_ASCII));
      byte[] response = readUntilClosed(channel, selector, deadline);
      return judge(response);
    } catch (IOException e) {
      return "cannot reach the proxy: " + e.getMessage();
    }
  }

  private static void write(SocketChannel channel, byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      // A fresh unix socket's send buffer holds far more than this request.
      if (channel.write(buffer) == 0) {
        throw new IOException("the socket accepts no bytes");
      }
    }
  }

  /** Reads until the proxy closes the connection, as it does after Connection: close. */
  private static byte[] readUntilClosed(SocketChannel channel, Selector selector, long deadline)
      throws IOException {
    ByteArrayOutputStream response = new ByteArrayOutputStream();
    ByteBuffer buffer = ByteBuffer.allocate(4096);
    while (response.size() <= MAX_RESPONSE_BYTES) {
      buffer.clear();
      int n = channel.read(buffer);
      if (n < 0) {
        return response.toByteArray();
      }
      response.write(buffer.array(), 0, n);
      if (n == 0) {
        long waitMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (waitMillis <= 0) {
          throw new IOException("no complete answer in time");
        }
        selector.select(waitMillis);
        selector.selectedKeys().clear();
      }
    }
    throw new IOException("the answer is longer than " + MAX_RESPONSE_BYTES + " bytes");
  }

  /** Null for {@code 200} with the body {@code OK} (plain or in one chunk), else why not. */
  static String judge(byte[] response) {
    String text = new String(response, StandardCharsets.ISO_8859_1);
    // HTTP/1.1 200 OK
    int lineEnd = text.indexOf("\r\n");
    if (lineEnd < 0 || !text.startsWith("HTTP/1.")) {
      return "not an HTTP answer: '" + printable(text) + "'";
    }
    String statusLine = text.substring(0, lineEnd);
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[1].equals("200")) {
      return "answered '" + printable(statusLine) + "'" + message(text);
    }
    int bodyStart = text.indexOf("\r\n\r\n");
    String body = bodyStart < 0 ? "" : text.substring(bodyStart + 4);
    if (body.equals("OK") || body.equals("2\r\nOK\r\n0\r\n\r\n")) {
      return null;
    }
    return "answered 200 with an unexpected body: '" + printable(body) + "'";
  }

  /** The body of an error answer, which docker-filter and the engine write as JSON. */
  private static String message(String text) {
    int bodyStart = text.indexOf("\r\n\r\n");
    String body = bodyStart < 0 ? "" : text.substring(bodyStart + 4).trim();
    return body.isEmpty() ? "" : ": " + printable(body);
  }

  private static String printable(String text) {
    String cut = text.length() > 200 ? text.substring(0, 200) + "..." : text;
    StringBuilder out = new StringBuilder(cut.length());
    for (char c : cut.toCharArray()) {
      out.append(c < 0x20 || c > 0x7e ? '?' : c);
    }
    return out.toString();
  }
}
