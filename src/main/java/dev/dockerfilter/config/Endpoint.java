package dev.dockerfilter.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Where a listener binds or where the upstream engine is: a unix socket path or a TCP host and
 * port.
 *
 * <p>Example inputs: {@code unix:///var/run/docker.sock}, {@code tcp://127.0.0.1:2375}, {@code
 * tcp://[::1]:2375}.
 */
public sealed interface Endpoint permits Endpoint.Unix, Endpoint.Tcp {

  /** The longest unix socket path Linux accepts: sun_path is 108 bytes with its final NUL. */
  int MAX_UNIX_PATH_BYTES = 107;

  /**
   * Prints the endpoint back as a URI that {@link #parse} accepts; {@code toString()} gives the
   * same, so that a list of endpoints in a message reads {@code [unix:///a.sock, tcp://…]}.
   */
  String uri();

  /** A unix socket file. */
  record Unix(Path path) implements Endpoint {
    public Unix {
      if (!path.isAbsolute()) {
        throw new IllegalArgumentException(
            "unix socket path is relative: '" + path + "' (expected unix:///absolute/path)");
      }
      int bytes = path.toString().getBytes(StandardCharsets.UTF_8).length;
      if (bytes > MAX_UNIX_PATH_BYTES) {
        throw new IllegalArgumentException(
            "unix socket path is "
                + bytes
                + " bytes: '"
                + path
                + "' (at most "
                + MAX_UNIX_PATH_BYTES
                + " bytes; choose a shorter directory)");
      }
    }

    @Override
    public String uri() {
      return "unix://" + path;
    }

    /** The URI, as every message and log line shows an endpoint. */
    @Override
    public String toString() {
      return uri();
    }
  }

  /** A TCP address; {@code host} is a literal address or a name, without brackets. */
  record Tcp(String host, int port) implements Endpoint {
    public Tcp {
      if (host.isEmpty()) {
        throw new IllegalArgumentException("tcp address has no host (expected tcp://HOST:PORT)");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException(
            "tcp port out of range: '" + port + "' (expected 1 to 65535)");
      }
    }

    /** Whether binding here keeps the API on this machine. */
    public boolean isLoopback() {
      return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }

    @Override
    public String uri() {
      return "tcp://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** The URI, as every message and log line shows an endpoint. */
    @Override
    public String toString() {
      return uri();
    }
  }

  /** Parses {@code unix:///path} or {@code tcp://host:port}. */
  static Endpoint parse(String text) {
    if (text.startsWith("unix://")) {
      String path = text.substring("unix://".length());
      if (path.isEmpty()) {
        throw new IllegalArgumentException(
            "unix address has no path: '" + text + "' (expected unix:///absolute/path)");
      }
      return new Unix(Path.of(path));
    }
    if (text.startsWith("tcp://")) {
      return parseTcp(text);
    }
    throw new IllegalArgumentException(
        "unsupported address: '" + text + "' (expected unix:///path or tcp://HOST:PORT)");
  }

  private static Tcp parseTcp(String text) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "malformed tcp address: '" + text + "' (expected tcp://HOST:PORT)", e);
    }
    boolean hasPathOrQuery =
        (uri.getRawPath() != null && !uri.getRawPath().isEmpty()) || uri.getRawQuery() != null;
    if (uri.getHost() == null || uri.getPort() < 0 || hasPathOrQuery) {
      throw new IllegalArgumentException(
          "malformed tcp address: '"
              + text
              + "' (expected tcp://HOST:PORT, e.g. tcp://127.0.0.1:2375)");
    }
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new Tcp(host, uri.getPort());
  }
}
