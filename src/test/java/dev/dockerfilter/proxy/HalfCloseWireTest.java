package dev.dockerfilter.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockerfilter.config.ProxyConfig;
import dev.dockerfilter.observability.ExchangeObserver;
import dev.dockerfilter.policy.Presets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that shut down their sending side after their requests, as {@code printf ... | socat}
 * does, and requests that end while the proxy still drains a refused body. Found by the proxy fuzz
 * test: such a client used to get no answer at all although its request reached the engine.
 */
class HalfCloseWireTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  @TempDir Path dir;

  private FakeEngine engine;
  private ProxyServer proxy;
  private Path socket;

  @BeforeEach
  void start() throws Exception {
    engine = new FakeEngine(dir.resolve("engine.sock"), FakeEngine.fixed(200, "{\"ok\":true}"));
    socket = dir.resolve("proxy.sock");
    ProxyConfig config = WireSupport.config(socket, engine.socket());
    proxy = ProxyServer.start(config, Presets.readOnly(), new ExchangeObserver() {});
  }

  @AfterEach
  void stop() throws Exception {
    proxy.stop(Duration.ZERO);
    engine.close();
  }

  @Test
  void answersARequestSentJustBeforeAHalfClose() throws Exception {
    for (int i = 0; i < 50; i++) {
      String response = sendThenHalfClose(get("/v1.41/containers/json"));
      assertThat(WireSupport.statusLines(response))
          .as("round %d: %s", i, response)
          .containsExactly("200");
    }
  }

  @Test
  void answersPipelinedRequestsThenCloses() throws Exception {
    String response =
        sendThenHalfClose(get("/_ping") + get("/v1.41/containers/abc/export") + get("/version"));
    assertThat(WireSupport.statusLines(response)).containsExactly("200", "403", "200");
    assertThat(engine.nextRequest(1000)).startsWith("GET /_ping ");
    assertThat(engine.nextRequest(1000)).startsWith("GET /version ");
  }

  @Test
  void answersAnEmptyChunkedGetThenCloses() throws Exception {
    String response =
        sendThenHalfClose(
            "GET /_ping HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    assertThat(WireSupport.statusLines(response)).containsExactly("200");
  }

  @Test
  void aRefusedBodyIsDrainedAndTheRequestAfterItIsNeverRead() throws Exception {
    String response =
        sendThenHalfClose(
            "POST /v1.41/containers/create HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: chunked\r\n"
                + "\r\n5\r\nhello\r\n0\r\n\r\n"
                + get("/_ping"));
    assertThat(WireSupport.statusLines(response)).containsExactly("403");
    assertThat(engine.nextRequest(300)).isNull();
  }

  @Test
  void aStreamEndsWhenItsClientHalfCloses() throws Exception {
    engine.script(
        (head, out) -> {
          WireSupport.write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
          for (int i = 0; i < 200; i++) {
            WireSupport.write(out, "2\r\n{}\r\n");
            WireSupport.sleep(25);
          }
        });
    try (SocketChannel client = connect()) {
      send(client, get("/v1.41/events"));
      String first = readUntil(client, "{}");
      client.shutdownOutput();
      assertThat(first + readUntilClosed(client)).startsWith("HTTP/1.1 200 ");
    }
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (engine.closedByPeer() == 0 && System.nanoTime() < deadline) {
      WireSupport.sleep(10);
    }
    assertThat(engine.closedByPeer()).as("upstream connections the proxy closed").isEqualTo(1);
  }

  private String sendThenHalfClose(String request) throws IOException {
    try (SocketChannel client = connect()) {
      send(client, request);
      client.shutdownOutput();
      return readUntilClosed(client);
    }
  }

  private SocketChannel connect() throws IOException {
    SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX);
    client.connect(UnixDomainSocketAddress.of(socket));
    return client;
  }

  private static void send(SocketChannel client, String text) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
    while (bytes.hasRemaining()) {
      client.write(bytes);
    }
  }

  /** Reads until the text received contains MARKER; fails after WAIT. */
  private static String readUntil(SocketChannel client, String marker) throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    ByteBuffer buffer = ByteBuffer.allocate(8192);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!received.toString(StandardCharsets.ISO_8859_1).contains(marker)) {
      assertThat(System.nanoTime()).as("time to read %s", marker).isLessThan(deadline);
      int n = client.read(buffer.clear());
      assertThat(n).as("connection still open").isNotNegative();
      received.write(buffer.array(), 0, n);
    }
    return received.toString(StandardCharsets.ISO_8859_1);
  }

  /** Reads everything until the proxy closes; fails after WAIT. */
  private static String readUntilClosed(SocketChannel client) throws IOException {
    client.configureBlocking(false);
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    ByteBuffer buffer = ByteBuffer.allocate(8192);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      int n = client.read(buffer.clear());
      if (n < 0) {
        return received.toString(StandardCharsets.ISO_8859_1);
      }
      received.write(buffer.array(), 0, n);
      if (n == 0) {
        WireSupport.sleep(2);
      }
    }
    throw new AssertionError("not closed within " + WAIT + "; received: " + received);
  }

  private static String get(String target) {
    return "GET " + target + " HTTP/1.1\r\nHost: docker\r\n\r\n";
  }
}
