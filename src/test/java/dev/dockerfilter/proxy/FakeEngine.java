package dev.dockerfilter.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted stand-in for the engine on a unix socket, for fast wire tests: it records every
 * request head it receives and answers with whatever the test's script writes.
 */
final class FakeEngine implements AutoCloseable {
  /** Writes the answer to one request; may block, stream, or close the connection. */
  interface Script {
    void answer(String requestHead, OutputStream out) throws IOException;

    /** Like {@link #answer(String, OutputStream)}, with what the proxy sends next. */
    default void answer(String requestHead, InputStream in, OutputStream out) throws IOException {
      answer(requestHead, out);
    }
  }

  private final Path socket;
  private final ServerSocketChannel server;
  private final BlockingQueue<String> requests = new LinkedBlockingQueue<>();
  private final List<SocketChannel> connections = new CopyOnWriteArrayList<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger closedByPeer = new AtomicInteger();
  private volatile Script script;

  FakeEngine(Path socket, Script script) throws IOException {
    this.socket = socket;
    this.script = script;
    Files.deleteIfExists(socket);
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    Thread acceptor = new Thread(this::acceptLoop, "fake-engine");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A canned answer with a body and Content-Length. */
  static Script fixed(int status, String body) {
    return (head, out) -> {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      String response =
          "HTTP/1.1 "
              + status
              + " X\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\n"
              + "Content-Length: "
              + bytes.length
              + "\r\n\r\n";
      out.write(response.getBytes(StandardCharsets.US_ASCII));
      if (!head.startsWith("HEAD ")) {
        out.write(bytes);
      }
      out.flush();
    };
  }

  void script(Script script) {
    this.script = script;
  }

  Path socket() {
    return socket;
  }

  /** The next request head the engine received, or null after the timeout. */
  String nextRequest(long millis) throws InterruptedException {
    return requests.poll(millis, TimeUnit.MILLISECONDS);
  }

  int requestCount() {
    return requests.size();
  }

  int accepted() {
    return accepted.get();
  }

  /** Connections that the proxy closed on its side. */
  int closedByPeer() {
    return closedByPeer.get();
  }

  private void acceptLoop() {
    while (server.isOpen()) {
      try {
        SocketChannel connection = server.accept();
        accepted.incrementAndGet();
        connections.add(connection);
        Thread t = new Thread(() -> serve(connection), "fake-engine-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(SocketChannel connection) {
    try (connection) {
      InputStream in = Channels.newInputStream(connection);
      OutputStream out = Channels.newOutputStream(connection);
      while (true) {
        String head = readHead(in);
        if (head == null) {
          closedByPeer.incrementAndGet();
          return;
        }
        skipBody(head, in);
        requests.add(head);
        script.answer(head, in, out);
      }
    } catch (IOException e) {
      closedByPeer.incrementAndGet();
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    int b;
    while ((b = in.read()) != -1) {
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == 4) {
        return head.toString(StandardCharsets.ISO_8859_1);
      }
    }
    return null;
  }

  private static void skipBody(String head, InputStream in) throws IOException {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        long n = Long.parseLong(line.substring(15).trim());
        in.readNBytes((int) n);
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (SocketChannel c : connections) {
      c.close();
    }
    Files.deleteIfExists(socket);
  }
}
