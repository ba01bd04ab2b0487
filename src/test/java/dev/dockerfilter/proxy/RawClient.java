package dev.dockerfilter.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/** A client that writes raw bytes to a unix socket and reads what comes back. */
final class RawClient implements AutoCloseable {
  private final SocketChannel channel;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private boolean closedByServer;

  RawClient(Path socket) throws IOException {
    channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    channel.connect(UnixDomainSocketAddress.of(socket));
  }

  RawClient send(String text) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
    return this;
  }

  /** Reads until the server closes the connection or {@code timeout} passes; returns all. */
  String readUntilClosed(Duration timeout) throws IOException {
    return readUntil(timeout, null);
  }

  /** Reads until the text received so far contains {@code marker}, the server closes, or time. */
  String readUntil(Duration timeout, String marker) throws IOException {
    channel.configureBlocking(false);
    long deadline = System.nanoTime() + timeout.toNanos();
    ByteBuffer buffer = ByteBuffer.allocate(8192);
    while (System.nanoTime() < deadline) {
      if (marker != null && text().contains(marker)) {
        break;
      }
      buffer.clear();
      int n = channel.read(buffer);
      if (n < 0) {
        closedByServer = true;
        break;
      }
      if (n == 0) {
        sleep();
        continue;
      }
      received.write(buffer.array(), 0, n);
    }
    return text();
  }

  /** Half-closes: the server reads EOF, and can still answer. */
  void shutdownOutput() throws IOException {
    channel.shutdownOutput();
  }

  String text() {
    return received.toString(StandardCharsets.ISO_8859_1);
  }

  boolean closedByServer() {
    return closedByServer;
  }

  private static void sleep() {
    try {
      Thread.sleep(2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
