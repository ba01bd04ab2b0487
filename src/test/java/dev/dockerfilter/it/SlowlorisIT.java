package dev.dockerfilter.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A thousand clients that send a request head one line at a time, never finishing it (slowloris),
 * neither starve a normal client nor outlive the header-read timeout.
 */
class SlowlorisIT {
  private static final int SLOW_CLIENTS = 1_000;
  private static final int REQUESTS = 400;
  private static final Duration HEADER_READ_TIMEOUT = Duration.ofSeconds(4);

  /** "A few milliseconds", with room for a shared two-core machine. */
  private static final double MAX_ADDED_P50_MILLIS = 5;

  private static Engine engine;
  private static ProxyProcess proxy;

  @BeforeAll
  static void startProxy() throws IOException {
    engine = Engine.fromEnvironment();
    proxy =
        ProxyProcess.start(
            engine,
            "--header-read-timeout",
            HEADER_READ_TIMEOUT.toSeconds() + "s",
            "--max-connections",
            Integer.toString(SLOW_CLIENTS + 64));
  }

  @AfterAll
  static void stopProxy() throws IOException {
    if (proxy != null) {
      proxy.close();
    }
  }

  @Test
  void aThousandSlowHeadsDoNotDelayANormalRequest() throws IOException {
    Latencies before = pings();
    int socketsBefore = ProcStats.openSockets(proxy.pid());

    Latencies during;
    try (ConnectionFleet slow = ConnectionFleet.connect(proxy.socket(), SLOW_CLIENTS)) {
      slow.sendAll("GET /_ping HTTP/1.1\r\n");
      slow.pump(Duration.ofMillis(200));
      slow.sendAll("Host: docker\r\n");
      during = pings();
      slow.sendAll("X-Slow: 1\r\n");
      assertThat(slow.count(p -> p.closed)).as("slow clients closed early").isZero();

      // Each one gets a 408 once the header-read timeout has passed since its first byte.
      boolean allTimedOut =
          slow.pumpUntil(HEADER_READ_TIMEOUT.plusSeconds(10), p -> p.closed && !p.text().isEmpty());
      assertThat(allTimedOut)
          .as(
              "all %d slow clients answered and closed; %d still open",
              SLOW_CLIENTS, slow.count(p -> !p.closed))
          .isTrue();
      assertThat(slow.count(p -> p.text().startsWith("HTTP/1.1 408 "))).isEqualTo(SLOW_CLIENTS);
    }

    System.out.printf(
        "SlowlorisIT: /_ping before %s; with %d slow clients %s%n", before, SLOW_CLIENTS, during);
    assertThat(during.millis(50) - before.millis(50))
        .as(
            "added p50 latency (ms) with %d slow clients: before %s, during %s",
            SLOW_CLIENTS, before, during)
        .isLessThan(MAX_ADDED_P50_MILLIS);
    assertThat(during.millis(100)).as("slowest request during, ms").isLessThan(1_000);
    Poll.await(
        Duration.ofSeconds(10),
        () -> ProcStats.openSockets(proxy.pid()) <= socketsBefore,
        "the proxy to hold no more sockets than before the slow clients",
        () -> "sockets: " + ProcStats.openSockets(proxy.pid()) + " > " + socketsBefore);
  }

  /** Sends REQUESTS pings on one kept-alive connection and times each. */
  private static Latencies pings() throws IOException {
    Latencies latencies = new Latencies(REQUESTS);
    try (RawHttp http = RawHttp.connect(proxy.address())) {
      for (int i = 0; i < REQUESTS; i++) {
        long start = System.nanoTime();
        http.send("GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n");
        RawHttp.Response response = http.readResponse("GET", Duration.ofSeconds(5));
        latencies.add(System.nanoTime() - start);
        assertThat(response.status()).isEqualTo(200);
      }
    }
    return latencies;
  }
}
