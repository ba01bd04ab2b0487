package dev.dockerfilter.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockerfilter.config.Endpoint;
import dev.dockerfilter.observability.AccessEntry;
import dev.dockerfilter.observability.ExchangeObserver;
import dev.dockerfilter.policy.PolicySelector;
import dev.dockerfilter.policy.Presets;
import dev.dockerfilter.redact.Redaction;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Answers rewritten to hide secrets: framing, keep-alive and failing closed, on raw bytes. */
class RedactionWireTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final String SECRET = "hunter2";
  private static final String INSPECT =
      "{\"Id\":\"abc\",\"Config\":{\"Env\":[\"DB_PASSWORD=" + SECRET + "\",\"DD_ENV=prod\"]}}\n";
  private static final String REDACTED =
      "{\"Id\":\"abc\",\"Config\":{\"Env\":[\"DB_PASSWORD=<redacted>\",\"DD_ENV=prod\"]}}\n";

  @TempDir Path dir;

  private final List<AccessEntry> entries = new CopyOnWriteArrayList<>();
  private FakeEngine engine;
  private ProxyServer proxy;
  private Path socket;

  @BeforeEach
  void start() throws Exception {
    engine = new FakeEngine(dir.resolve("engine.sock"), FakeEngine.fixed(200, INSPECT));
    socket = dir.resolve("proxy.sock");
    ListenerPolicy redacting =
        new ListenerPolicy(
            PolicySelector.always(Presets.readOnly()), false, Redaction.parse("all", "DD_ENV"));
    ExchangeObserver recorder =
        new ExchangeObserver() {
          @Override
          public void exchangeEnded(AccessEntry entry) {
            entries.add(entry);
          }
        };
    proxy =
        ProxyServer.start(
            WireSupport.config(socket, dir.resolve("engine.sock")),
            Map.of(new Endpoint.Unix(socket), redacting),
            recorder);
  }

  @AfterEach
  void stop() throws Exception {
    proxy.stop(Duration.ZERO);
    engine.close();
  }

  private static String get(String target) {
    return "GET " + target + " HTTP/1.1\r\nHost: docker\r\n\r\n";
  }

  /** An answer in chunks, as the engine sends inspect answers over about 2 KiB. */
  private static FakeEngine.Script chunked(String... chunks) {
    return (head, out) -> {
      StringBuilder answer =
          new StringBuilder(
              "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                  + "Transfer-Encoding: chunked\r\n\r\n");
      for (String chunk : chunks) {
        answer.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk);
        answer.append("\r\n");
      }
      WireSupport.write(out, answer.append("0\r\n\r\n").toString());
    };
  }

  @Test
  void aChunkedInspectAnswerComesBackRedactedWithItsNewLength() throws IOException {
    engine.script(chunked(INSPECT.substring(0, 40), INSPECT.substring(40)));
    try (RawClient client = new RawClient(socket)) {
      String response = client.send(get("/v1.41/containers/abc/json")).readUntil(WAIT, "}}\n");

      assertThat(response)
          .startsWith("HTTP/1.1 200 ")
          .contains("Content-Length: " + REDACTED.length() + "\r\n")
          .doesNotContainIgnoringCase("transfer-encoding")
          .endsWith("\r\n\r\n" + REDACTED)
          .doesNotContain(SECRET);
    }
  }

  @Test
  void pipelinedRequestsEachGetTheirRedactedAnswerOnOneConnection() throws IOException {
    try (RawClient client = new RawClient(socket)) {
      client.send(get("/v1.41/containers/abc/json") + get("/v1.41/containers/abc/json"));
      String text = "";
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (text.split(Pattern.quote(REDACTED), -1).length < 3 && System.nanoTime() < deadline) {
        text = client.readUntil(Duration.ofMillis(100), null);
      }

      assertThat(WireSupport.statusLines(text)).containsExactly("200", "200");
      assertThat(text.split(Pattern.quote(REDACTED), -1)).as(text).hasSize(3);
      assertThat(text).doesNotContain(SECRET);
      assertThat(client.closedByServer()).isFalse();
    }
  }

  @Test
  void anHttp10ClientGetsTheRedactedBodyWithALength() throws IOException {
    try (RawClient client = new RawClient(socket)) {
      String response =
          client.send("GET /v1.41/containers/abc/json HTTP/1.0\r\n\r\n").readUntilClosed(WAIT);
      assertThat(response)
          .startsWith("HTTP/1.0 200 ")
          .contains("Content-Length: " + REDACTED.length() + "\r\n")
          .endsWith(REDACTED);
    }
  }

  @Test
  void anAnswerThatIsNotJsonIsNotSentAtAll() throws IOException {
    engine.script(chunked("{\"Config\":{\"Env\":[\"DB_PASSWORD=" + SECRET + "\"]"));
    try (RawClient client = new RawClient(socket)) {
      String response = client.send(get("/v1.41/containers/abc/json")).readUntil(WAIT, "\"}");
      assertThat(response)
          .startsWith("HTTP/1.1 502 ")
          .contains("cannot redact the engine's answer")
          .doesNotContain(SECRET);
    }
    awaitEntries(1);
    assertThat(entries.get(0).reason()).isEqualTo("redact-failed");
  }

  @Test
  void anAnswerCutByTheEngineIsNotSentAtAll() throws IOException {
    engine.script(
        (head, out) -> {
          WireSupport.write(
              out,
              "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n"
                  + INSPECT);
          throw new IOException("engine died mid-body");
        });
    try (RawClient client = new RawClient(socket)) {
      String response = client.send(get("/v1.41/containers/abc/json")).readUntil(WAIT, "\"}");
      assertThat(response)
          .startsWith("HTTP/1.1 502 ")
          .contains("before answering")
          .doesNotContain(SECRET);
    }
    awaitEntries(1);
    assertThat(entries.get(0).reason()).isEqualTo("upstream-closed");
  }

  @Test
  void anAnswerTooLargeToHoldIsRefused() throws IOException {
    String chunk = "x".repeat(64 * 1024);
    int chunks = HeldAnswer.MAX_BYTES / chunk.length() + 2;
    engine.script(
        (head, out) -> {
          WireSupport.write(
              out,
              "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                  + "Transfer-Encoding: chunked\r\n\r\n");
          for (int i = 0; i < chunks; i++) {
            WireSupport.write(out, Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
          }
          WireSupport.write(out, "0\r\n\r\n");
        });
    try (RawClient client = new RawClient(socket)) {
      String response = client.send(get("/v1.41/services")).readUntil(WAIT, "\"}");
      assertThat(response)
          .startsWith("HTTP/1.1 502 ")
          .contains("too large to redact")
          .doesNotContain("xxxx");
    }
  }

  @Test
  void answersOverTheSharedBudgetAreRefusedUntilHeldOnesAreSent() throws Exception {
    // The first answer is held half-sent while a second one would take the budget past its end.
    String filler = "x".repeat((int) (HeldAnswer.BUDGET_BYTES * 5 / 8));
    CountDownLatch secondAnswered = new CountDownLatch(1);
    engine.script(
        (head, out) -> {
          boolean first = head.contains("/containers/first/json");
          String start = "{\"Filler\":\"" + filler;
          String end = "\",\"Config\":{\"Env\":[\"DB_PASSWORD=" + SECRET + "\"]}}\n";
          WireSupport.write(
              out,
              "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                  + (start.length() + end.length())
                  + "\r\n\r\n"
                  + start);
          if (first) {
            await(secondAnswered);
          }
          WireSupport.write(out, end);
        });
    try (RawClient first = new RawClient(socket);
        RawClient second = new RawClient(socket)) {
      first.send(get("/v1.41/containers/first/json"));
      awaitHeld(filler.length());

      String refused = second.send(get("/v1.41/containers/second/json")).readUntil(WAIT, "\"}");
      secondAnswered.countDown();
      String sent = first.readUntil(WAIT, "<redacted>\"]}}\n");

      assertThat(refused).startsWith("HTTP/1.1 503 ").contains("too many answers");
      assertThat(sent).startsWith("HTTP/1.1 200 ").doesNotContain(SECRET);
    }
    awaitHeld(0);
  }

  @Test
  void aClientThatLeavesWhileItsAnswerIsHeldGivesTheBudgetBack() throws Exception {
    CountDownLatch clientGone = new CountDownLatch(1);
    String filler = "x".repeat(50_000);
    String start = "{\"Filler\":\"" + filler;
    String end = "\",\"Config\":{\"Env\":[\"DB_PASSWORD=" + SECRET + "\"]}}\n";
    engine.script(
        (head, out) -> {
          WireSupport.write(
              out,
              "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                  + (start.length() + end.length())
                  + "\r\n\r\n"
                  + start);
          await(clientGone);
          WireSupport.write(out, end);
        });
    try (RawClient client = new RawClient(socket)) {
      client.send(get("/v1.41/containers/abc/json"));
      awaitHeld(start.length());
    }
    clientGone.countDown();
    awaitHeld(0);
  }

  @Test
  void anEngineThatStallsMidAnswerGets504AndTheBudgetComesBack() throws Exception {
    // The engine's deadline (two seconds here) covers the whole held answer, not just its head.
    CountDownLatch released = new CountDownLatch(1);
    engine.script(
        (head, out) -> {
          WireSupport.write(
              out,
              "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n"
                  + "\r\n{\"Config\":{\"Env\":[\"DB_PASSWORD="
                  + SECRET);
          await(released);
        });
    try (RawClient client = new RawClient(socket)) {
      String response =
          client.send(get("/v1.41/containers/abc/json")).readUntil(Duration.ofSeconds(8), "\"}");
      assertThat(response)
          .startsWith("HTTP/1.1 504 ")
          .contains("the engine did not answer within")
          .doesNotContain(SECRET);
    } finally {
      released.countDown();
    }
    awaitHeld(0);
    awaitEntries(1);
    assertThat(entries.get(0).reason()).isEqualTo("upstream-timeout");
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void awaitHeld(long bytes) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (HeldAnswer.heldBytes() < bytes && System.nanoTime() < deadline) {
      WireSupport.sleep(10);
    }
    if (bytes == 0) {
      while (HeldAnswer.heldBytes() != 0 && System.nanoTime() < deadline) {
        WireSupport.sleep(10);
      }
      assertThat(HeldAnswer.heldBytes()).as("bytes held for redaction").isZero();
    } else {
      assertThat(HeldAnswer.heldBytes())
          .as("bytes held for redaction")
          .isGreaterThanOrEqualTo(bytes);
    }
  }

  @Test
  void otherAnswersPassUnchanged() throws IOException {
    engine.script(FakeEngine.fixed(404, "{\"message\":\"No such container: " + SECRET + "\"}"));
    try (RawClient client = new RawClient(socket)) {
      String notFound = client.send(get("/v1.41/containers/nope/json")).readUntil(WAIT, "\"}");
      assertThat(notFound).startsWith("HTTP/1.1 404 ").contains("No such container: " + SECRET);
    }
    engine.script(FakeEngine.fixed(200, INSPECT));
    try (RawClient client = new RawClient(socket)) {
      String list = client.send(get("/v1.41/images/json")).readUntil(WAIT, "}}\n");
      assertThat(list).as("not an answer that is rewritten").contains(SECRET);
    }
  }

  @Test
  void logsAreRefusedAndNeverReachTheEngine() throws Exception {
    try (RawClient client = new RawClient(socket)) {
      String response =
          client.send(get("/v1.41/containers/abc/logs?stdout=1")).readUntil(WAIT, "\"}");
      assertThat(response)
          .startsWith("HTTP/1.1 403 ")
          .contains("docker-filter refused GET /containers/abc/logs")
          .contains("cannot be redacted; this listener hides secrets");
    }
    assertThat(engine.nextRequest(300)).isNull();
    awaitEntries(1);
    assertThat(entries.get(0).rule()).isEqualTo(Redaction.LOGS_RULE_ID);
  }

  @Test
  void anAuditingListenerStillRefusesWhatCannotBeRedacted() throws Exception {
    Path auditing = dir.resolve("audit.sock");
    ListenerPolicy audit =
        new ListenerPolicy(
            PolicySelector.always(Presets.readOnly()), true, Redaction.parse("all", ""));
    ProxyServer auditProxy =
        ProxyServer.start(
            WireSupport.config(auditing, dir.resolve("engine.sock")),
            Map.of(new Endpoint.Unix(auditing), audit),
            new ExchangeObserver() {});
    try {
      for (String target :
          List.of(
              "/v1.41/containers/abc/logs?stdout=1",
              "/v1.41/tasks/t1/logs?stdout=1",
              "/v1.41/containers/abc/top?ps_args=aux+e")) {
        try (RawClient client = new RawClient(auditing)) {
          String response = client.send(get(target)).readUntil(WAIT, "\"}");
          assertThat(response).as(target).startsWith("HTTP/1.1 403 ");
        }
        assertThat(engine.nextRequest(300)).as(target).isNull();
      }
      try (RawClient client = new RawClient(auditing)) {
        String response =
            client.send(get("/v1.41/containers/abc/top?ps_args=-ef")).readUntil(WAIT, "}\n");
        assertThat(response).startsWith("HTTP/1.1 200 ");
      }
    } finally {
      auditProxy.stop(Duration.ZERO);
    }
  }

  private void awaitEntries(int n) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (entries.size() < n && System.nanoTime() < deadline) {
      WireSupport.sleep(10);
    }
    assertThat(entries).hasSizeGreaterThanOrEqualTo(n);
  }
}
