package dev.dockerfilter.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockerfilter.observability.AccessEntry;
import dev.dockerfilter.observability.ExchangeObserver;
import dev.dockerfilter.policy.Presets;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine cannot be reached: its socket file is missing, or nothing listens on it. Each request
 * gets a 502 and its access line, the connection serves the next request, and a closed connection
 * gives its place back, so a client polling through an engine restart never fills the limit.
 */
class EngineDownWireTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final int MAX_CONNECTIONS = 3;

  @TempDir Path dir;

  private final List<AccessEntry> lines = new CopyOnWriteArrayList<>();
  private final AtomicInteger open = new AtomicInteger();
  private ProxyServer proxy;

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.stop(Duration.ZERO);
    }
  }

  @Test
  void aMissingEngineSocketGets502sOnAKeptAliveConnection() throws Exception {
    Path socket = start(dir.resolve("no-engine.sock"));
    try (RawClient client = new RawClient(socket)) {
      for (int i = 1; i <= 3; i++) {
        String answers = readAnswers(client.send(get("/_ping")), i);
        assertThat(WireSupport.statusLines(answers)).as(answers).hasSize(i).containsOnly("502");
      }
      assertThat(client.closedByServer()).isFalse();
    }
    awaitLines(3);
    assertThat(lines).extracting(AccessEntry::reason).containsOnly("upstream-unavailable");
  }

  @Test
  void connectionsRefusedByTheEngineGiveTheirPlaceBack() throws Exception {
    Path engine = dir.resolve("dead-engine.sock");
    try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      // Bound, then closed: the file stays, and a connect to it is refused.
      dead.bind(UnixDomainSocketAddress.of(engine));
    }
    Path socket = start(engine);
    for (int i = 0; i < MAX_CONNECTIONS * 3; i++) {
      try (RawClient client = new RawClient(socket)) {
        String answer = client.send(get("/_ping")).readUntil(WAIT, "\r\n\r\n{");
        assertThat(WireSupport.statusLines(answer))
            .as("client %d: %s", i, answer)
            .containsExactly("502");
      }
      awaitClosed();
    }
    assertThat(lines).hasSize(MAX_CONNECTIONS * 3);
  }

  private Path start(Path engine) throws Exception {
    Path socket = dir.resolve("proxy.sock");
    ExchangeObserver observer =
        new ExchangeObserver() {
          @Override
          public void connectionOpened(String listener) {
            open.incrementAndGet();
          }

          @Override
          public void connectionClosed(String listener) {
            open.decrementAndGet();
          }

          @Override
          public void exchangeEnded(AccessEntry entry) {
            lines.add(entry);
          }
        };
    proxy =
        ProxyServer.start(
            WireSupport.config(
                socket,
                engine,
                Duration.ofSeconds(10),
                Duration.ofSeconds(10),
                Duration.ofSeconds(2),
                MAX_CONNECTIONS),
            Presets.readOnly(),
            observer);
    return socket;
  }

  private void awaitLines(int n) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (lines.size() < n && System.nanoTime() < deadline) {
      WireSupport.sleep(10);
    }
    assertThat(lines).hasSize(n);
  }

  private void awaitClosed() {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (open.get() > 0 && System.nanoTime() < deadline) {
      WireSupport.sleep(10);
    }
    assertThat(open.get()).as("client connections the proxy still holds").isZero();
  }

  /** Reads until {@code n} answers in all have arrived on this connection, or time is up. */
  private static String readAnswers(RawClient client, int n) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline
        && !client.closedByServer()
        && WireSupport.statusLines(client.text()).size() < n) {
      client.readUntil(Duration.ofMillis(20), "\u0000 never sent");
    }
    return client.text();
  }

  private static String get(String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: docker\r\n\r\n";
  }
}
