package dev.dockerfilter.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A transparent relay between the proxy and the real engine that keeps a copy of every byte the
 * proxy sends upstream, so that a test can say exactly what reached the engine, for example:
 *
 * <pre>{@code
 * try (EngineSpy spy = EngineSpy.start(dir.resolve("spy.sock"), engine)) {
 *   ProxyProcess proxy = ProxyProcess.start(spy.engine());
 *   ...
 *   assertThat(spy.requestLines()).noneMatch(line -> line.contains("/export"));
 * }
 * }</pre>
 *
 * <p>The engine still does all the work; the relay only copies bytes in both directions, one pair
 * of threads per connection, and closes both sides when either side closes.
 */
final class EngineSpy implements AutoCloseable {
  /** "GET /v1.41/containers/json?all=1 HTTP/1.1": what the proxy writes to start a request. */
  private static final Pattern REQUEST_LINE = Pattern.compile("[A-Z]+ /[^ ]* HTTP/1\\.[01]");

  private final Path socket;
  private final Path engineSocket;
  private final ServerSocketChannel server;
  private final List<ByteArrayOutputStream> upstreamBytes = new ArrayList<>();
  private final List<SocketChannel> open = new ArrayList<>();

  private EngineSpy(Path socket, Path engineSocket, ServerSocketChannel server) {
    this.socket = socket;
    this.engineSocket = engineSocket;
    this.server = server;
  }

  /** Listens on SOCKET and relays every connection to ENGINE. */
  static EngineSpy start(Path socket, Engine engine) throws IOException {
    Files.deleteIfExists(socket);
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    EngineSpy spy = new EngineSpy(socket, engine.socket(), server);
    Thread acceptor = new Thread(spy::acceptLoop, "engine-spy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    return spy;
  }

  /** The spy as an engine address, to hand to {@link ProxyProcess}. */
  Engine engine() {
    return Engine.at("unix://" + socket);
  }

  /** Every byte the proxy has sent to the engine so far, connection after connection. */
  synchronized String forwarded() {
    StringBuilder all = new StringBuilder();
    for (ByteArrayOutputStream bytes : upstreamBytes) {
      all.append(bytes.toString(StandardCharsets.ISO_8859_1));
    }
    return all.toString();
  }

  /** The request lines the proxy has sent to the engine so far. */
  List<String> requestLines() {
    return forwarded().lines().filter(l -> REQUEST_LINE.matcher(l).matches()).toList();
  }

  /**
   * The request head the proxy sent upstream whose request line starts with PREFIX, e.g. {@code
   * "GET /v1.41/events?filters="}; empty when there is none.
   */
  String headStartingWith(String prefix) {
    String all = forwarded();
    int start = all.indexOf(prefix);
    if (start < 0) {
      return "";
    }
    int end = all.indexOf("\r\n\r\n", start);
    return end < 0 ? all.substring(start) : all.substring(start, end + 2);
  }

  @Override
  public void close() throws IOException {
    server.close();
    synchronized (this) {
      for (SocketChannel channel : open) {
        closeQuietly(channel);
      }
    }
    Files.deleteIfExists(socket);
  }

  private void acceptLoop() {
    while (server.isOpen()) {
      try {
        SocketChannel fromProxy = server.accept();
        SocketChannel toEngine = SocketChannel.open(StandardProtocolFamily.UNIX);
        toEngine.connect(UnixDomainSocketAddress.of(engineSocket));
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        synchronized (this) {
          upstreamBytes.add(copy);
          open.add(fromProxy);
          open.add(toEngine);
        }
        relay(fromProxy, toEngine, copy, "engine-spy-up");
        relay(toEngine, fromProxy, null, "engine-spy-down");
      } catch (IOException e) {
        // Closed while accepting, or the engine is down: the proxy sees a closed connection.
      }
    }
  }

  private void relay(SocketChannel from, SocketChannel to, ByteArrayOutputStream copy, String n) {
    Thread thread =
        new Thread(
            () -> {
              ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
              try {
                while (from.read(buffer) >= 0) {
                  buffer.flip();
                  if (copy != null) {
                    synchronized (this) {
                      copy.write(buffer.array(), 0, buffer.limit());
                    }
                  }
                  while (buffer.hasRemaining()) {
                    to.write(buffer);
                  }
                  buffer.clear();
                }
              } catch (IOException e) {
                // One side went away; the finally block closes the other.
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            n);
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // Nothing more to release.
    }
  }
}
