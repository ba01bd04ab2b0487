package dev.dockerfilter.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockerfilter.config.ProxyConfig;
import dev.dockerfilter.observability.AccessLog;
import dev.dockerfilter.policy.Presets;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole proxy, in process, between raw client bytes and a scripted fake engine. The real engine
 * is exercised by the integration tests; these pin wire behaviour that a real engine cannot be made
 * to show on demand (101 answers, garbage, cut streams).
 */
class ProxyWireTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  @TempDir Path dir;

  private FakeEngine engine;
  private ProxyServer proxy;
  private Path socket;

  @BeforeEach
  void start() throws Exception {
    engine = new FakeEngine(dir.resolve("engine.sock"), FakeEngine.fixed(200, "{\"ok\":true}"));
    socket = dir.resolve("proxy.sock");
    proxy =
        ProxyServer.start(
            config(Duration.ofSeconds(10), Duration.ofSeconds(10), 64),
            Presets.readOnly(),
            new AccessLog());
  }

  @AfterEach
  void stop() throws Exception {
    proxy.stop(Duration.ZERO);
    engine.close();
  }

  private ProxyConfig config(Duration headerRead, Duration idle, int maxConnections) {
    return WireSupport.config(
        socket,
        dir.resolve("engine.sock"),
        headerRead,
        idle,
        Duration.ofSeconds(2),
        maxConnections);
  }

  private void restartProxy(Duration headerRead, Duration idle, int maxConnections)
      throws Exception {
    proxy.stop(Duration.ZERO);
    proxy =
        ProxyServer.start(
            config(headerRead, idle, maxConnections), Presets.readOnly(), new AccessLog());
  }

  private static String get(String target) {
    return "GET " + target + " HTTP/1.1\r\nHost: docker\r\n\r\n";
  }

  @Test
  void forwardsTheCanonicalRequestWithoutHopByHopHeaders() throws Exception {
    try (RawClient client = new RawClient(socket)) {
      client.send(
          "GET /v1.41/%63ontainers/json?all=1&x=%2F HTTP/1.1\r\nHost: docker\r\n"
              + "Connection: keep-alive, X-Hop\r\nX-Hop: 1\r\nKeep-Alive: timeout=5\r\n"
              + "Upgrade: tcp\r\nX-End: yes\r\n\r\n");
      assertThat(client.readUntil(WAIT, "{\"ok\":true}")).startsWith("HTTP/1.1 200 ");
    }
    String seen = engine.nextRequest(2000);
    assertThat(seen).startsWith("GET /v1.41/containers/json?all=1&x=%2F HTTP/1.1\r\n");
    assertThat(seen).contains("X-End: yes").contains("Host: docker");
    assertThat(seen.toLowerCase())
        .doesNotContain("x-hop")
        .doesNotContain("keep-alive")
        .doesNotContain("upgrade")
        .doesNotContain("connection");
  }

  @Test
  void deniedRequestNeverReachesTheEngine() throws Exception {
    try (RawClient client = new RawClient(socket)) {
      String response = client.send(get("/v1.41/containers/abc/export")).readUntil(WAIT, "}");
      assertThat(response)
          .startsWith("HTTP/1.1 403 ")
          .contains("content-type: application/json")
          .contains("{\"message\":\"docker-filter refused GET /containers/abc/export: ");
    }
    assertThat(engine.nextRequest(300)).isNull();
  }

  @Test
  void answersPipelinedRequestsInOrderAndJudgesEachOne() throws Exception {
    try (RawClient client = new RawClient(socket)) {
      client.send(get("/_ping") + get("/v1.41/containers/abc/export") + get("/version"));
      String all = client.readUntil(WAIT, "}HTTP/1.1 200 X");
      client.readUntil(Duration.ofMillis(300), null);
      assertThat(WireSupport.statusLines(client.text())).containsExactly("200", "403", "200");
      assertThat(all).contains("docker-filter refused GET /containers/abc/export");
    }
    assertThat(engine.nextRequest(1000)).startsWith("GET /_ping ");
    assertThat(engine.nextRequest(1000)).startsWith("GET /version ");
    assertThat(engine.nextRequest(200)).isNull();
  }

  @Test
  void judgesARequestSmuggledAfterAZeroLengthBody() throws Exception {
    // Public case C12 (the CVE-2024-41110 pattern): bytes after Content-Length: 0 are a new
    // request and are judged on their own.
    try (RawClient client = new RawClient(socket)) {
      client.send(
          "GET /_ping HTTP/1.1\r\nHost: d\r\nContent-Length: 0\r\n\r\n"
              + "POST /v1.41/containers/create HTTP/1.1\r\nHost: d\r\n"
              + "Content-Type: application/json\r\nContent-Length: 18\r\n\r\n{\"Image\":\"alpine\"}");
      client.readUntilClosed(WAIT);
      assertThat(WireSupport.statusLines(client.text())).containsExactly("200", "403");
    }
    assertThat(engine.nextRequest(1000)).startsWith("GET /_ping ");
    assertThat(engine.nextRequest(200)).isNull();
  }

  @Test
  void deniesHeadWithHeadersButNoBody() throws Exception {
    try (RawClient client = new RawClient(socket)) {
      client.send(
          "HEAD /v1.41/containers/abc/archive?path=/root HTTP/1.1\r\nHost: d\r\n\r\n"
              + get("/_ping"));
      client.readUntil(WAIT, "{\"ok\":true}");
      assertThat(WireSupport.statusLines(client.text())).containsExactly("403", "200");
      assertThat(client.text()).doesNotContain("message").doesNotContain("X-Docker-Container");
    }
  }

  @Test
  void switchingProtocolsFromTheEngineBecomes502AndCloses() throws Exception {
    engine.script(
        (head, out) -> {
          WireSupport.write(
              out, "HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n");
          WireSupport.write(out, "raw stream bytes");
        });
    try (RawClient client = new RawClient(socket)) {
      String response = client.send(get("/v1.41/events")).readUntilClosed(WAIT);
      assertThat(response).startsWith("HTTP/1.1 502 ").contains("switched protocols");
      assertThat(response).doesNotContain("raw stream bytes").doesNotContain(" 101 ");
      assertThat(client.closedByServer()).isTrue();
    }
  }

  @Test
  void refusesTrailerFieldsAfterAChunkedBody() throws Exception {
    try (RawClient client = new RawClient(socket)) {
      String response =
          client
              .send(
                  "GET /_ping HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: chunked\r\n\r\n"
                      + "0\r\nX-Smuggled: 1\r\n\r\n")
              .readUntilClosed(WAIT);
      assertThat(response)
          .startsWith("HTTP/1.1 400 ")
          .contains("trailer fields after a chunked body: 'X-Smuggled' (none accepted)");
    }
    // The head went on as soon as it was judged; the trailer never does.
    String forwarded = engine.nextRequest(1000);
    assertThat(forwarded).startsWith("GET /_ping ").doesNotContain("X-Smuggled");
  }

  @Test
  void http10ClientNeverGetsChunks() throws Exception {
    engine.script(
        (head, out) ->
            WireSupport.write(
                out,
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
    try (RawClient client = new RawClient(socket)) {
      String response = client.send("GET /v1.41/events HTTP/1.0\r\n\r\n").readUntilClosed(WAIT);
      assertThat(response).startsWith("HTTP/1.0 200 ").endsWith("\r\n\r\nhello world");
      assertThat(response.toLowerCase()).doesNotContain("transfer-encoding");
      assertThat(client.closedByServer()).isTrue();
    }
  }

  @Test
  void engineDownGives502JsonAndTheProxyRecoversByItself() throws Exception {
    engine.close();
    try (RawClient client = new RawClient(socket)) {
      String response = client.send(get("/_ping")).readUntil(WAIT, "}");
      assertThat(response)
          .startsWith("HTTP/1.1 502 ")
          .contains("application/json")
          .contains("{\"message\":\"docker-filter: cannot reach the Docker engine (")
          .doesNotContain(dir.toString());
    }
    engine = new FakeEngine(dir.resolve("engine.sock"), FakeEngine.fixed(200, "{\"ok\":true}"));
    try (RawClient client = new RawClient(socket)) {
      assertThat(client.send(get("/_ping")).readUntil(WAIT, "{\"ok\":true}"))
          .startsWith("HTTP/1.1 200 ");
    }
  }

  @Test
  void aStreamCutByTheEngineEndsWithALastChunkAndClose() throws Exception {
    engine.script(
        (head, out) -> {
          WireSupport.write(
              out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
          throw new IOException("engine restarting");
        });
    try (RawClient client = new RawClient(socket)) {
      String response = client.send(get("/v1.41/events")).readUntilClosed(WAIT);
      assertThat(response).startsWith("HTTP/1.1 200 ").endsWith("3\r\nabc\r\n0\r\n\r\n");
      assertThat(client.closedByServer()).isTrue();
    }
  }

  @Test
  void aClientThatLeavesReleasesItsUpstreamConnectionAtOnce() throws Exception {
    engine.script(
        (head, out) -> {
          WireSupport.write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
          for (int i = 0; i < 200; i++) {
            WireSupport.write(out, "2\r\n{}\r\n");
            WireSupport.sleep(25);
          }
        });
    try (RawClient client = new RawClient(socket)) {
      client.send(get("/v1.41/events")).readUntil(WAIT, "{}");
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    while (engine.closedByPeer() == 0 && System.nanoTime() < deadline) {
      WireSupport.sleep(10);
    }
    assertThat(engine.closedByPeer()).isEqualTo(1);
  }

  @Test
  void aStreamOutlivesEveryTimeout() throws Exception {
    restartProxy(Duration.ofMillis(200), Duration.ofMillis(200), 64);
    engine.script(
        (head, out) -> {
          WireSupport.write(
              out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n");
          WireSupport.sleep(1000);
          WireSupport.write(out, "4\r\nlate\r\n0\r\n\r\n");
        });
    try (RawClient client = new RawClient(socket)) {
      String response = client.send(get("/v1.41/events")).readUntil(WAIT, "0\r\n\r\n");
      assertThat(response).contains("5\r\nfirst\r\n4\r\nlate\r\n0\r\n\r\n");
      assertThat(client.closedByServer()).isFalse();
    }
  }

  @Test
  void aSlowHeaderGets408AndTheConnectionCloses() throws Exception {
    restartProxy(Duration.ofMillis(300), Duration.ofSeconds(10), 64);
    try (RawClient client = new RawClient(socket)) {
      String response = client.send("GET /_ping HTTP/1.1\r\nHo").readUntilClosed(WAIT);
      assertThat(response).startsWith("HTTP/1.1 408 ").contains("\"message\"");
      assertThat(client.closedByServer()).isTrue();
    }
    assertThat(engine.nextRequest(100)).isNull();
  }

  @Test
  void anIdleKeptAliveConnectionIsClosedQuietly() throws Exception {
    restartProxy(Duration.ofSeconds(10), Duration.ofMillis(300), 64);
    try (RawClient client = new RawClient(socket)) {
      client.send(get("/_ping")).readUntil(WAIT, "{\"ok\":true}");
      String all = client.readUntilClosed(WAIT);
      assertThat(WireSupport.statusLines(all)).containsExactly("200");
      assertThat(client.closedByServer()).isTrue();
    }
  }

  @Test
  void garbageFromTheEngineGives502() throws Exception {
    engine.script((head, out) -> WireSupport.write(out, "NOT HTTP AT ALL\r\n\r\n"));
    try (RawClient client = new RawClient(socket)) {
      String response = client.send(get("/_ping")).readUntil(WAIT, "}");
      assertThat(response).startsWith("HTTP/1.1 502 ").contains("malformed answer");
    }
  }

  @Test
  void connectionsBeyondTheCapGet503() throws Exception {
    restartProxy(Duration.ofSeconds(10), Duration.ofSeconds(10), 1);
    try (RawClient first = new RawClient(socket)) {
      first.send(get("/_ping")).readUntil(WAIT, "{\"ok\":true}");
      try (RawClient second = new RawClient(socket)) {
        String response = second.readUntilClosed(WAIT);
        assertThat(response).startsWith("HTTP/1.1 503 ").contains("too many open connections");
      }
    }
  }

  @Test
  void aBodyOnGetIsRejectedAndNothingIsForwarded() throws Exception {
    try (RawClient client = new RawClient(socket)) {
      String response =
          client
              .send("GET /_ping HTTP/1.1\r\nHost: d\r\nContent-Length: 5\r\n\r\nhello")
              .readUntilClosed(WAIT);
      assertThat(response).startsWith("HTTP/1.1 400 ");
    }
    assertThat(engine.nextRequest(200)).isNull();
  }

  @Test
  void aHeadThatArrivesInPiecesIsServed() throws Exception {
    try (RawClient client = new RawClient(socket)) {
      client.send("GET /_ping HTTP/1.1\r\nHost: d\r\nX-Long: " + "a".repeat(3000));
      Thread.sleep(200);
      client.send("\r\n\r\n");
      assertThat(client.readUntil(WAIT, "{\"ok\":true}")).startsWith("HTTP/1.1 200 ");
    }
  }

  @Test
  void aHeaderBlockOverTheLimitGets431EvenWhenItArrivesSlowly() throws Exception {
    try (RawClient client = new RawClient(socket)) {
      client.send("GET /_ping HTTP/1.1\r\nHost: d\r\n");
      for (int i = 0; i < 20; i++) {
        client.send("X-" + i + ": " + "a".repeat(1000) + "\r\n");
      }
      assertThat(client.readUntilClosed(WAIT)).startsWith("HTTP/1.1 431 ");
    }
    assertThat(engine.nextRequest(100)).isNull();
  }

  @Test
  void aClientThatHalfClosesAfterItsRequestsStillGetsEveryAnswer() throws Exception {
    try (RawClient client = new RawClient(socket)) {
      client.send(get("/_ping") + get("/v1.41/containers/abc/export") + get("/version"));
      client.shutdownOutput();
      String all = client.readUntilClosed(WAIT);
      assertThat(WireSupport.statusLines(all)).containsExactly("200", "403", "200");
      assertThat(client.closedByServer()).isTrue();
    }
  }
}
