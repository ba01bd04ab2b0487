package dev.dockerfilter.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockerfilter.config.ProxyConfig;
import dev.dockerfilter.observability.AccessLog;
import dev.dockerfilter.policy.Policy;
import dev.dockerfilter.policy.RuleListPolicy;
import dev.dockerfilter.policy.RuleParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An upgrade goes through only where a rule says so, and then both ways, half-close included. */
class TunnelWireTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final String ATTACH =
      "POST /v1.41/containers/app/attach?stream=1&stdin=1&stdout=1 HTTP/1.1\r\nHost: d\r\n"
          + "Connection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n";

  @TempDir Path dir;

  private FakeEngine engine;
  private ProxyServer proxy;
  private Path socket;

  /** Answers 101 like the engine's attach, then echoes stdin upper-cased until stdin ends. */
  private static final FakeEngine.Script ECHO_AFTER_101 =
      new FakeEngine.Script() {
        @Override
        public void answer(String head, OutputStream out) {
          throw new UnsupportedOperationException();
        }

        @Override
        public void answer(String head, InputStream in, OutputStream out) throws IOException {
          out.write(
              ("HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\n"
                      + "Connection: Upgrade\r\nUpgrade: tcp\r\n\r\nhello ")
                  .getBytes(StandardCharsets.US_ASCII));
          out.flush();
          int b;
          while ((b = in.read()) != -1) {
            out.write(Character.toUpperCase(b));
            out.flush();
          }
          out.write("<eof>".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          throw new IOException("attach ended");
        }
      };

  @BeforeEach
  void start() throws Exception {
    engine = new FakeEngine(dir.resolve("engine.sock"), ECHO_AFTER_101);
    socket = dir.resolve("proxy.sock");
  }

  @AfterEach
  void stop() throws Exception {
    proxy.stop(Duration.ZERO);
    engine.close();
  }

  private void startProxy(Policy policy) throws Exception {
    ProxyConfig config =
        WireSupport.config(
            socket,
            dir.resolve("engine.sock"),
            Duration.ofMillis(300),
            Duration.ofMillis(300),
            Duration.ofSeconds(2),
            64);
    proxy = ProxyServer.start(config, policy, new AccessLog());
  }

  @Test
  void anUpgradeARuleAllowsBecomesATwoWayTunnel() throws Exception {
    startProxy(
        RuleListPolicy.of(
            "attach",
            List.of(RuleParser.parse("allow POST /containers/{container}/attach upgrade id=a"))));
    try (RawClient client = new RawClient(socket)) {
      String head = client.send(ATTACH).readUntil(WAIT, "hello ");
      assertThat(head).startsWith("HTTP/1.1 101 ").contains("upgrade: tcp");
      // Silence longer than every timeout: a tunnel is never cut for it.
      Thread.sleep(700);
      client.send("ls -l\n");
      assertThat(client.readUntil(WAIT, "LS -L\n")).endsWith("hello LS -L\n");
      client.shutdownOutput();
      assertThat(client.readUntilClosed(WAIT)).endsWith("LS -L\n<eof>");
    }
    assertThat(engine.nextRequest(1000))
        .startsWith("POST /v1.41/containers/app/attach?stream=1&stdin=1&stdout=1 HTTP/1.1")
        .contains("upgrade: tcp");
  }

  @Test
  void anUpgradeNoRuleAllowsIsAnsweredWith502AndNeverTunnels() throws Exception {
    startProxy(
        RuleListPolicy.of(
            "attach", List.of(RuleParser.parse("allow POST /containers/{container}/attach id=a"))));
    try (RawClient client = new RawClient(socket)) {
      String response = client.send(ATTACH).readUntilClosed(WAIT);
      assertThat(response).startsWith("HTTP/1.1 502 ").doesNotContain("hello");
    }
    assertThat(engine.nextRequest(1000).toLowerCase()).doesNotContain("upgrade");
  }
}
