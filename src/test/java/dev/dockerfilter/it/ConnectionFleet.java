package dev.dockerfilter.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Many client connections to one unix socket, served by one selector on the test's thread: for
 * slowloris, fan-out and leak tests that need a thousand peers without a thousand threads.
 *
 * <p>What each connection receives is kept whole, so keep the traffic small.
 */
final class ConnectionFleet implements AutoCloseable {
  private final Selector selector;
  private final List<Peer> peers = new ArrayList<>();
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);

  private ConnectionFleet(Selector selector) {
    this.selector = selector;
  }

  /** Connects COUNT clients to SOCKET. */
  static ConnectionFleet connect(Path socket, int count) throws IOException {
    ConnectionFleet fleet = new ConnectionFleet(Selector.open());
    try {
      for (int i = 0; i < count; i++) {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        channel.configureBlocking(false);
        Peer peer = new Peer(channel);
        channel.register(fleet.selector, SelectionKey.OP_READ, peer);
        fleet.peers.add(peer);
      }
    } catch (IOException | RuntimeException e) {
      fleet.close();
      throw e;
    }
    return fleet;
  }

  int size() {
    return peers.size();
  }

  /** Writes TEXT on every connection still open; a connection the proxy closed is skipped. */
  void sendAll(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    for (Peer peer : peers) {
      if (peer.closed) {
        continue;
      }
      try {
        ByteBuffer out = ByteBuffer.wrap(bytes);
        while (out.hasRemaining()) {
          if (peer.channel.write(out) == 0) {
            Thread.onSpinWait();
          }
        }
      } catch (IOException e) {
        peer.closed = true;
      }
    }
  }

  /** Reads whatever arrives on any connection for DURATION. */
  void pump(Duration duration) throws IOException {
    long deadline = System.nanoTime() + duration.toNanos();
    long left;
    while ((left = deadline - System.nanoTime()) > 0) {
      selector.select(Math.max(1, left / 1_000_000));
      for (SelectionKey key : selector.selectedKeys()) {
        read((Peer) key.attachment(), key);
      }
      selector.selectedKeys().clear();
    }
  }

  /** Reads until every connection satisfies DONE or TIMEOUT passes; true if all did. */
  boolean pumpUntil(Duration timeout, Predicate<Peer> done) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (peers.stream().allMatch(done)) {
        return true;
      }
      pump(Duration.ofMillis(20));
    }
    return peers.stream().allMatch(done);
  }

  long count(Predicate<Peer> which) {
    return peers.stream().filter(which).count();
  }

  List<Peer> peers() {
    return peers;
  }

  private void read(Peer peer, SelectionKey key) {
    try {
      buffer.clear();
      int n = peer.channel.read(buffer);
      if (n < 0) {
        peer.closed = true;
        key.cancel();
        return;
      }
      buffer.flip();
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      peer.received.writeBytes(bytes);
      peer.lastReadNanos = System.nanoTime();
    } catch (IOException e) {
      peer.closed = true;
      key.cancel();
    }
  }

  @Override
  public void close() throws IOException {
    for (Peer peer : peers) {
      peer.channel.close();
    }
    selector.close();
  }

  /** One connection and what it received. */
  static final class Peer {
    final SocketChannel channel;
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    boolean closed;
    long lastReadNanos;

    Peer(SocketChannel channel) {
      this.channel = channel;
    }

    String text() {
      return received.toString(StandardCharsets.ISO_8859_1);
    }

    /** How often MARKER occurs in what this connection received. */
    int occurrences(String marker) {
      String text = text();
      int count = 0;
      for (int at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + 1)) {
        count++;
      }
      return count;
    }
  }
}
