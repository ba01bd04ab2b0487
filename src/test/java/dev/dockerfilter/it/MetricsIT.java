package dev.dockerfilter.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin listener's {@code /metrics} after a scripted sequence of allowed, denied, malformed and
 * streamed exchanges against the real engine: each counter moves by exactly what was sent, and no
 * raw path ever becomes a label.
 */
class MetricsIT {
  private static final String REQUESTS = "docker_filter_requests_total";
  private static final String DURATION_COUNT = "docker_filter_request_duration_seconds_count";
  private static final String STREAMS = "docker_filter_streams_active";
  private static final String CONNECTIONS = "docker_filter_connections_active";
  private static final Duration WAIT = Duration.ofSeconds(5);

  private static Engine engine;

  @BeforeAll
  static void findEngine() {
    engine = Engine.fromEnvironment();
  }

  @Test
  void countersMoveByWhatWasSentAndStreamsAreCountedWhileOpen() throws IOException {
    ProxyProcess.Builder builder = ProxyProcess.builder(engine);
    String admin = "unix://" + builder.dir().resolve("admin.sock");
    String secretName = Engine.uniqueName("never-a-label");
    try (ProxyProcess proxy = builder.options("--admin-listen", admin).start()) {
      String listener = proxy.address();
      // The readiness probes' exchanges are reported by the time their connections close.
      Scrape before = awaitScrape(admin, s -> s.value(CONNECTIONS, "listener", listener) == 0);

      // Two allowed reads, one denied write, one method nobody knows, one malformed request.
      assertThat(send(proxy, RawHttp.request("GET", "/v1.41/containers/json", null)))
          .isEqualTo(200);
      assertThat(send(proxy, RawHttp.request("GET", "/v1.41/containers/json", null)))
          .isEqualTo(200);
      assertThat(send(proxy, RawHttp.request("DELETE", "/v1.41/containers/" + secretName, null)))
          .isEqualTo(403);
      assertThat(send(proxy, RawHttp.request("BREW", "/v1.41/" + secretName, null))).isEqualTo(403);
      assertThat(send(proxy, "NOT AN HTTP REQUEST\r\n\r\n")).isEqualTo(400);

      Scrape after = awaitScrape(admin, s -> s.sum(REQUESTS) - before.sum(REQUESTS) >= 5);
      assertThat(delta(before, after, REQUESTS, allowedListLabels())).isEqualTo(2);
      assertThat(
              delta(
                  before,
                  after,
                  REQUESTS,
                  "decision",
                  "deny",
                  "reason",
                  "no-rule-for-path",
                  "method",
                  "DELETE",
                  "rule",
                  "-"))
          .isEqualTo(1);
      assertThat(sumDelta(before, after, REQUESTS, "decision", "deny", "method", "OTHER"))
          .as("an unknown method is counted as OTHER")
          .isEqualTo(1);
      assertThat(sumDelta(before, after, REQUESTS, "decision", "reject")).isEqualTo(1);
      assertThat(sumDelta(before, after, REQUESTS)).as("every exchange, once").isEqualTo(5);
      assertThat(sumDelta(before, after, DURATION_COUNT, "decision", "allow", "stream", "false"))
          .isEqualTo(2);
      assertThat(after.text())
          .as("raw paths and unknown methods never become label values")
          .doesNotContain(secretName)
          .doesNotContain("BREW");

      // A stream is active while the client watches it, and counted when it ends.
      try (RawHttp events = RawHttp.connect(listener)) {
        events.send("GET /v1.41/events HTTP/1.1\r\nHost: docker\r\n\r\n");
        assertThat(events.readHead(WAIT).status()).isEqualTo(200);
        Scrape open = awaitScrape(admin, s -> s.value(STREAMS) == before.value(STREAMS) + 1);
        assertThat(open.value(CONNECTIONS, "listener", listener)).isGreaterThanOrEqualTo(1);
      }
      Scrape closed =
          awaitScrape(
              admin,
              s ->
                  s.value(STREAMS) == before.value(STREAMS)
                      && s.value(CONNECTIONS, "listener", listener) == 0);
      assertThat(sumDelta(before, closed, DURATION_COUNT, "decision", "allow", "stream", "true"))
          .isEqualTo(1);
      assertThat(delta(before, closed, "docker_filter_connections_total", "listener", listener))
          .as("connections accepted: five exchanges and one stream")
          .isEqualTo(6);
      assertThat(closed.sum("docker_filter_build_info")).as("one build_info series").isEqualTo(1);
    }
  }

  private static String[] allowedListLabels() {
    return new String[] {
      "decision",
      "allow",
      "reason",
      "allowed-by-rule",
      "method",
      "GET",
      "rule",
      "allow-container-list"
    };
  }

  private static int send(ProxyProcess proxy, String request) throws IOException {
    return RawHttp.exchange(proxy.address(), request, WAIT).status();
  }

  private static double delta(Scrape before, Scrape after, String name, String... labels) {
    return after.value(name, labels) - before.value(name, labels);
  }

  private static double sumDelta(Scrape before, Scrape after, String name, String... labels) {
    return after.sum(name, labels) - before.sum(name, labels);
  }

  /** Scrapes until CONDITION holds: the proxy reports an exchange right after its last byte. */
  private static Scrape awaitScrape(String admin, Predicate<Scrape> condition) {
    Scrape[] last = new Scrape[1];
    Poll.await(
        WAIT,
        () -> condition.test(last[0] = Scrape.of(admin)),
        "metrics to reach the expected values",
        () -> last[0] == null ? "no scrape" : last[0].text());
    return last[0];
  }
}
