package dev.dockerfilter.fuzz;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in engine on a unix socket that records every request head it receives and answers each
 * with {@code 200 {}}. A head it cannot frame is recorded too, marked as such, and ends the
 * connection.
 */
final class RecordingEngine implements AutoCloseable {
  static final String UNFRAMABLE = "UNFRAMABLE ";

  private static final byte[] ANSWER =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
          .getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ANSWER_TO_HEAD =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_HEAD_BYTES = 256 * 1024;

  private final Path socket;
  private final ServerSocketChannel server;
  private final BlockingQueue<String> heads = new LinkedBlockingQueue<>();
  private final AtomicInteger open = new AtomicInteger();

  RecordingEngine(Path socket) throws IOException {
    this.socket = socket;
    Files.deleteIfExists(socket);
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    Thread acceptor = new Thread(this::acceptLoop, "recording-engine");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  Path socket() {
    return socket;
  }

  /** Connections from the proxy that are still open. */
  int openConnections() {
    return open.get();
  }

  /** Every head received since the last call. */
  List<String> takeHeads() {
    List<String> taken = new ArrayList<>();
    heads.drainTo(taken);
    return taken;
  }

  private void acceptLoop() {
    while (server.isOpen()) {
      try {
        SocketChannel connection = server.accept();
        open.incrementAndGet();
        Thread t = new Thread(() -> serve(connection), "recording-engine-conn");
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
          return;
        }
        if (!skipBody(head, in)) {
          heads.add(UNFRAMABLE + head);
          return;
        }
        heads.add(head);
        out.write(head.startsWith("HEAD ") ? ANSWER_TO_HEAD : ANSWER);
        out.flush();
      }
    } catch (IOException e) {
      // The proxy closed its side; nothing to record.
    } finally {
      open.decrementAndGet();
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    int b;
    while ((b = in.read()) != -1 && head.size() < MAX_HEAD_BYTES) {
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == 4) {
        return head.toString(StandardCharsets.ISO_8859_1);
      }
    }
    return head.size() == 0 ? null : UNFRAMABLE + head.toString(StandardCharsets.ISO_8859_1);
  }

  /** Reads a Content-Length body; false for any framing a read-only proxy never forwards. */
  private static boolean skipBody(String head, InputStream in) throws IOException {
    if (head.startsWith(UNFRAMABLE)) {
      return false;
    }
    for (String line : head.split("\r\n")) {
      String lower = line.toLowerCase(Locale.ROOT);
      if (lower.startsWith("transfer-encoding:")) {
        return false;
      }
      if (lower.startsWith("content-length:")) {
        String value = line.substring("content-length:".length()).trim();
        if (!value.matches("[0-9]{1,9}")) {
          return false;
        }
        in.readNBytes(Integer.parseInt(value));
      }
    }
    return true;
  }

  @Override
  public void close() throws IOException {
    server.close();
    Files.deleteIfExists(socket);
  }
}
