package dev.dockerfilter.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.dockerfilter.config.Endpoint;
import dev.dockerfilter.config.ProxyConfig;
import dev.dockerfilter.http.MalformedRequestException;
import dev.dockerfilter.http.RequestTarget;
import dev.dockerfilter.observability.ExchangeObserver;
import dev.dockerfilter.policy.Decision;
import dev.dockerfilter.policy.Policy;
import dev.dockerfilter.policy.PolicyRequest;
import dev.dockerfilter.policy.Presets;
import dev.dockerfilter.proxy.ProxyServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Raw client bytes through the whole proxy, in process, to an engine that records what reaches it.
 *
 * <p>Invariants, for any input:
 *
 * <ul>
 *   <li>every request the engine receives is a GET or HEAD whose target is canonical (it parses
 *       back to itself) and whose canonical path the policy allows: a denied request is never
 *       forwarded, and what is forwarded is routed by the engine as it was judged;
 *   <li>no forwarded request carries a body, an Upgrade or a Transfer-Encoding;
 *   <li>the client gets a well-framed sequence of responses, one 200 per forwarded request, and the
 *       connection ends within a bound: nothing hangs;
 *   <li>once the client has left, the proxy holds no upstream connection.
 * </ul>
 */
class ProxyFuzzTest {
  /** Longer than every proxy timeout below: past it, the proxy has hung. */
  private static final Duration HANG = Duration.ofSeconds(20);

  private static final Policy POLICY = Presets.readOnly();

  private static Path dir;
  private static RecordingEngine engine;
  private static ProxyServer proxy;
  private static Path socket;

  private static long forwardedSoFar;
  private static long answeredSoFar;
  private static long unanswerableSoFar;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory(Path.of("/tmp"), "df-fuzz-");
    engine = new RecordingEngine(dir.resolve("engine.sock"));
    socket = dir.resolve("proxy.sock");
    ProxyConfig config =
        new ProxyConfig(
            List.of(new Endpoint.Unix(socket)),
            new Endpoint.Unix(engine.socket()),
            new ProxyConfig.SocketFile(0600, ""),
            new ProxyConfig.Limits(8192, 16384, 64),
            // Long enough that a slow round under the fuzzer never times out: a 504 would let a
            // forwarded request reach the engine after its client is gone, and count in the
            // next round.
            new ProxyConfig.Timeouts(
                Duration.ofSeconds(2),
                Duration.ofSeconds(2),
                Duration.ofSeconds(10),
                Duration.ofSeconds(10)),
            Duration.ZERO,
            1);
    proxy = ProxyServer.start(config, POLICY, new ExchangeObserver() {});
  }

  @AfterAll
  static void stop() throws Exception {
    if (proxy != null) {
      proxy.stop(Duration.ZERO);
    }
    if (engine != null) {
      engine.close();
    }
    Files.deleteIfExists(socket);
    Files.deleteIfExists(dir);
  }

  @FuzzTest(maxDuration = "10s")
  void deniedRequestsNeverReachTheEngine(byte[] input) throws IOException {
    byte[] received = exchange(input);
    awaitUpstreamClosed();
    List<String> forwarded = engine.takeHeads();
    for (String head : forwarded) {
      checkForwarded(head);
    }
    int answered = countOkResponses(received);
    assertThat(answered)
        .as("200 answers to the client for %d forwarded requests", forwarded.size())
        .isLessThanOrEqualTo(forwarded.size());

    // A chunked GET is forwarded at its head; a client that leaves before its (empty) body ends
    // gets no answer, and the engine may record that head only during a later round. Every
    // other forwarded request is answered, so the gap may only grow by such rounds.
    forwardedSoFar += forwarded.size();
    answeredSoFar += answered;
    unanswerableSoFar += text(input).toLowerCase(Locale.ROOT).contains("chunked") ? 1 : 0;
    assertThat(forwardedSoFar - answeredSoFar)
        .as("forwarded requests never answered, over all rounds")
        .isLessThanOrEqualTo(unanswerableSoFar);
  }

  /** The proxy closes its upstream connection with its client's: none may stay behind. */
  private static void awaitUpstreamClosed() {
    long deadline = System.nanoTime() + HANG.toNanos();
    while (engine.openConnections() > 0) {
      if (System.nanoTime() > deadline) {
        fail("upstream connections still open %s after the client left", HANG);
      }
      Thread.onSpinWait();
    }
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  /** Writes INPUT, half-closes, and reads until the proxy closes; fails if it never does. */
  static byte[] exchange(byte[] input) throws IOException {
    try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX);
        Selector selector = Selector.open()) {
      client.connect(UnixDomainSocketAddress.of(socket));
      ByteBuffer out = ByteBuffer.wrap(input);
      while (out.hasRemaining()) {
        client.write(out);
      }
      client.shutdownOutput();
      client.configureBlocking(false);
      client.register(selector, SelectionKey.OP_READ);
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      ByteBuffer buffer = ByteBuffer.allocate(16384);
      long deadline = System.nanoTime() + HANG.toNanos();
      while (System.nanoTime() < deadline) {
        selector.select(100);
        selector.selectedKeys().clear();
        buffer.clear();
        int n = client.read(buffer);
        if (n < 0) {
          return received.toByteArray();
        }
        received.write(buffer.array(), 0, n);
      }
      return fail("the proxy neither answered nor closed within %s", HANG);
    }
  }

  private static void checkForwarded(String head) {
    assertThat(head)
        .as("a head the engine could frame")
        .doesNotStartWith(RecordingEngine.UNFRAMABLE);
    String requestLine = head.substring(0, head.indexOf("\r\n"));
    String[] parts = requestLine.split(" ", -1);
    assertThat(parts).as(requestLine).hasSize(3);
    assertThat(parts[0]).as(requestLine).isIn("GET", "HEAD");
    assertThat(parts[2]).isEqualTo("HTTP/1.1");
    RequestTarget target;
    try {
      target = RequestTarget.parse(parts[1]);
    } catch (MalformedRequestException e) {
      throw new AssertionError("forwarded a target the proxy itself rejects: " + requestLine, e);
    }
    assertThat(target.forwardTarget()).as("forwarded target is canonical").isEqualTo(parts[1]);
    Decision decision =
        POLICY.decide(new PolicyRequest(parts[0], target.path(), target.rawQuery()));
    assertThat(decision.allowed()).as("policy decision on forwarded %s", requestLine).isTrue();
    String fields = head.toLowerCase(Locale.ROOT);
    assertThat(fields)
        .doesNotContain("\r\nupgrade:")
        .doesNotContain("\r\ntransfer-encoding:")
        .doesNotContain("\r\nconnection:");
    if (fields.contains("\r\ncontent-length:")) {
      assertThat(fields).contains("\r\ncontent-length: 0\r\n");
    }
  }

  /**
   * Parses the responses the client got, each framed by Content-Length, and counts the 200s. An
   * answer to HEAD has headers that describe a body that is not sent: it is recognised by the next
   * status line (or the end) following its head at once, which no body here starts with.
   */
  private static int countOkResponses(byte[] received) {
    String text = text(received);
    int ok = 0;
    int at = 0;
    while (at < text.length()) {
      int end = text.indexOf("\r\n\r\n", at);
      assertThat(end).as("a complete response head at %d of %s", at, text).isPositive();
      String head = text.substring(at, end + 2);
      assertThat(head).as("status line").matches("(?s)HTTP/1\\.[01] [1-5][0-9][0-9] .*");
      int status = Integer.parseInt(head.substring(9, 12));
      at = end + 4;
      boolean bodySent = at < text.length() && !text.startsWith("HTTP/1.", at);
      int length = bodySent ? contentLength(head) : 0;
      assertThat(at + length)
          .as("body within what was received: %s", text)
          .isLessThanOrEqualTo(text.length());
      at += length;
      if (status == 200) {
        ok++;
      }
    }
    return ok;
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        return Integer.parseInt(line.substring("content-length:".length()).trim());
      }
    }
    throw new AssertionError("response without Content-Length: " + head);
  }
}
