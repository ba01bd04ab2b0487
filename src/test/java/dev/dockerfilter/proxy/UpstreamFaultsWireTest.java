package dev.dockerfilter.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockerfilter.config.ProxyConfig;
import dev.dockerfilter.observability.ExchangeObserver;
import dev.dockerfilter.policy.Presets;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An engine that misbehaves: truncated bodies, invalid chunks, oversized or endless headers, no
 * answer at all. The client always gets a clear 502/504 JSON answer or a response that ends, never
 * a hang, and the proxy goes on serving the next client.
 */
class UpstreamFaultsWireTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final Duration UPSTREAM_HEADER_TIMEOUT = Duration.ofMillis(700);

  @TempDir Path dir;

  private FakeEngine engine;
  private ProxyServer proxy;
  private Path socket;

  @BeforeEach
  void start() throws Exception {
    engine = new FakeEngine(dir.resolve("engine.sock"), FakeEngine.fixed(200, "{\"ok\":true}"));
    socket = dir.resolve("proxy.sock");
    ProxyConfig config =
        WireSupport.config(
            socket,
            engine.socket(),
            Duration.ofSeconds(10),
            Duration.ofSeconds(10),
            UPSTREAM_HEADER_TIMEOUT,
            64);
    proxy = ProxyServer.start(config, Presets.readOnly(), new ExchangeObserver() {});
  }

  @AfterEach
  void stop() throws Exception {
    proxy.stop(Duration.ZERO);
    engine.close();
  }

  @Test
  void aTruncatedBodyEndsTheConnection() throws Exception {
    engine.script(
        (head, out) -> {
          WireSupport.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
          throw new IOException("engine died mid-body");
        });
    try (RawClient client = new RawClient(socket)) {
      String response = client.send(get("/v1.41/containers/json")).readUntilClosed(WAIT);
      assertThat(response).startsWith("HTTP/1.1 200 ").endsWith("\r\n\r\n0123456789");
      assertThat(client.closedByServer()).as("the client sees the body cut").isTrue();
    }
    assertStillServing();
  }

  @Test
  void anInvalidChunkEndsTheResponseCleanly() throws Exception {
    engine.script(
        (head, out) -> {
          WireSupport.write(
              out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
          WireSupport.write(out, "zz\r\nnot a chunk\r\n");
          WireSupport.sleep(3000);
        });
    try (RawClient client = new RawClient(socket)) {
      String response = client.send(get("/v1.41/events")).readUntilClosed(WAIT);
      assertThat(response).startsWith("HTTP/1.1 200 ").endsWith("3\r\nabc\r\n0\r\n\r\n");
      assertThat(response).doesNotContain("not a chunk");
      assertThat(client.closedByServer()).isTrue();
    }
    assertStillServing();
  }

  @Test
  void anOversizedResponseHeaderGives502() throws Exception {
    String huge = "X-Big: " + "a".repeat(70_000) + "\r\n";
    engine.script(
        (head, out) ->
            WireSupport.write(out, "HTTP/1.1 200 OK\r\n" + huge + "Content-Length: 2\r\n\r\n{}"));
    try (RawClient client = new RawClient(socket)) {
      String response = client.send(get("/_ping")).readUntil(WAIT, "}");
      assertThat(response)
          .startsWith("HTTP/1.1 502 ")
          .contains("application/json")
          .contains("malformed answer from the engine")
          .doesNotContain("aaaa");
    }
    assertStillServing();
  }

  @Test
  void anEngineThatNeverAnswersGives504() throws Exception {
    engine.script((head, out) -> WireSupport.sleep(5000));
    long start = System.nanoTime();
    try (RawClient client = new RawClient(socket)) {
      String response = client.send(get("/v1.41/containers/json")).readUntil(WAIT, "}");
      assertThat(response)
          .startsWith("HTTP/1.1 504 ")
          .contains("application/json")
          .contains("{\"message\":\"docker-filter: the engine did not answer within ");
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(UPSTREAM_HEADER_TIMEOUT)
        .isLessThan(WAIT);
    assertStillServing();
  }

  @Test
  void aHeaderThatNeverEndsGives504() throws Exception {
    engine.script(
        (head, out) -> {
          WireSupport.write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n");
          WireSupport.sleep(5000);
        });
    try (RawClient client = new RawClient(socket)) {
      String response = client.send(get("/_ping")).readUntil(WAIT, "}");
      assertThat(response).startsWith("HTTP/1.1 504 ").contains("did not answer within");
    }
  }

  private void assertStillServing() throws Exception {
    engine.script(FakeEngine.fixed(200, "{\"ok\":true}"));
    try (RawClient client = new RawClient(socket)) {
      assertThat(client.send(get("/_ping")).readUntil(WAIT, "{\"ok\":true}"))
          .startsWith("HTTP/1.1 200 ");
    }
  }

  private static String get(String target) {
    return "GET " + target + " HTTP/1.1\r\nHost: docker\r\n\r\n";
  }
}
