package dev.dockerfilter.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockerfilter.config.Endpoint;
import dev.dockerfilter.config.ProxyConfig;
import dev.dockerfilter.observability.AccessEntry;
import dev.dockerfilter.observability.ExchangeObserver;
import dev.dockerfilter.policy.Peer;
import dev.dockerfilter.policy.PolicySelector;
import dev.dockerfilter.policy.Presets;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a listener's policy is chosen per client, audited, and swapped while connections live. */
class ListenerPolicyWireTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  @TempDir Path dir;

  private final List<AccessEntry> entries = new CopyOnWriteArrayList<>();
  private final ExchangeObserver recorder =
      new ExchangeObserver() {
        @Override
        public void exchangeEnded(AccessEntry entry) {
          entries.add(entry);
        }
      };
  private FakeEngine engine;
  private ProxyServer proxy;
  private Path socket;
  private Endpoint listener;

  @BeforeEach
  void startEngine() throws IOException {
    engine = new FakeEngine(dir.resolve("engine.sock"), FakeEngine.fixed(200, "{\"ok\":true}"));
    socket = dir.resolve("proxy.sock");
    listener = new Endpoint.Unix(socket);
  }

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.stop(Duration.ZERO);
    }
    engine.close();
  }

  private void start(ListenerPolicy policy) throws Exception {
    ProxyConfig config =
        new ProxyConfig(
            List.of(listener),
            new Endpoint.Unix(dir.resolve("engine.sock")),
            new ProxyConfig.SocketFile(0660, ""),
            new ProxyConfig.Limits(8192, 16384, 64),
            new ProxyConfig.Timeouts(
                Duration.ofSeconds(10),
                Duration.ofSeconds(10),
                Duration.ofSeconds(2),
                Duration.ofSeconds(2)),
            Duration.ZERO,
            1);
    proxy = ProxyServer.start(config, Map.of(listener, policy), recorder);
  }

  private static String get(String target) {
    return "GET " + target + " HTTP/1.1\r\nHost: docker\r\n\r\n";
  }

  @Test
  void auditModeForwardsWhatItWouldDenyAndLogsItAsWouldDeny() throws Exception {
    start(new ListenerPolicy(PolicySelector.always(Presets.readOnly()), true));
    try (RawClient client = new RawClient(socket)) {
      String response = client.send(get("/v1.41/containers/abc/changes")).readUntil(WAIT, "}");
      assertThat(response).startsWith("HTTP/1.1 200 ");
    }
    assertThat(engine.nextRequest(1000)).startsWith("GET /v1.41/containers/abc/changes ");
    awaitEntries(1);
    assertThat(entries.get(0).decision()).isEqualTo("would-deny");
    assertThat(entries.get(0).rule()).isEqualTo("deny-container-changes");
  }

  @Test
  void aClientTheSelectorRefusesIsDeniedAndNothingIsForwarded() throws Exception {
    PolicySelector onlyUid4242 =
        peer ->
            peer instanceof Peer.Unix unix && unix.uid() == 4242
                ? Optional.of(Presets.readOnly())
                : Optional.empty();
    start(new ListenerPolicy(onlyUid4242, true));
    try (RawClient client = new RawClient(socket)) {
      String response = client.send(get("/_ping")).readUntil(WAIT, "}");
      assertThat(response)
          .startsWith("HTTP/1.1 403 ")
          .contains("is not allowed on unix://" + socket);
    }
    assertThat(engine.nextRequest(300)).isNull();
    awaitEntries(1);
    assertThat(entries.get(0).reason()).isEqualTo("client-not-allowed");
  }

  @Test
  void aReloadAppliesToTheNextRequestWhileAnOpenStreamGoesOn() throws Exception {
    engine.script(
        (head, out) -> {
          if (head.startsWith("GET /v1.41/events ")) {
            WireSupport.write(
                out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nbefore\r\n");
            WireSupport.sleep(800);
            WireSupport.write(out, "5\r\nafter\r\n0\r\n\r\n");
          } else {
            FakeEngine.fixed(200, "{\"ok\":true}").answer(head, out);
          }
        });
    start(new ListenerPolicy(PolicySelector.always(Presets.readOnly()), false));
    try (RawClient stream = new RawClient(socket);
        RawClient other = new RawClient(socket)) {
      stream.send(get("/v1.41/events")).readUntil(WAIT, "before");
      assertThat(other.send(get("/_ping")).readUntil(WAIT, "{\"ok\":true}"))
          .startsWith("HTTP/1.1 200 ");

      PolicySelector refuseAll = peer -> Optional.empty();
      proxy.reload(Map.of(listener, new ListenerPolicy(refuseAll, false)));

      assertThat(other.send(get("/_ping")).readUntil(WAIT, "not allowed"))
          .contains("HTTP/1.1 403 ");
      assertThat(stream.readUntil(WAIT, "0\r\n\r\n")).contains("5\r\nafter\r\n0\r\n\r\n");
    }
  }

  private void awaitEntries(int n) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (entries.size() < n && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(entries).hasSizeGreaterThanOrEqualTo(n);
  }
}
