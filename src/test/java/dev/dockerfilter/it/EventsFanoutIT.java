package dev.dockerfilter.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A thousand event streams held open through the proxy all receive a burst of events. */
class EventsFanoutIT {
  private static final int STREAMS = 1_000;
  private static final int BURST = 5;

  private static Engine engine;
  private static ProxyProcess proxy;

  private final List<String> containers = new ArrayList<>();

  @BeforeAll
  static void startProxy() throws IOException {
    engine = Engine.fromEnvironment();
    proxy = ProxyProcess.start(engine, "--max-connections", Integer.toString(STREAMS + 64));
  }

  @AfterEach
  void removeContainers() {
    containers.forEach(engine::remove);
  }

  @AfterAll
  static void stopProxy() throws IOException {
    if (proxy != null) {
      proxy.close();
    }
  }

  @Test
  void aThousandStreamsAllReceiveABurst() throws IOException {
    String label = Engine.uniqueName("fanout");
    String filters =
        URLEncoder.encode("{\"label\":[\"df-fanout=" + label + "\"]}", StandardCharsets.UTF_8);
    long rssIdleKib = ProcStats.rssKib(proxy.pid());

    try (ConnectionFleet streams = ConnectionFleet.connect(proxy.socket(), STREAMS)) {
      streams.sendAll("GET /v1.41/events?filters=" + filters + " HTTP/1.1\r\nHost: docker\r\n\r\n");
      boolean started =
          streams.pumpUntil(Duration.ofSeconds(30), p -> p.text().startsWith("HTTP/1.1 200 "));
      assertThat(started)
          .as(
              "streams started: %d of %d",
              streams.count(p -> p.text().startsWith("HTTP/1.1 200")), STREAMS)
          .isTrue();
      long rssStreamingKib = ProcStats.rssKib(proxy.pid());

      long burstStart = System.nanoTime();
      for (int i = 0; i < BURST; i++) {
        create(Engine.uniqueName("burst"), label);
      }
      boolean delivered =
          streams.pumpUntil(
              Duration.ofSeconds(30), p -> p.occurrences("\"Action\":\"create\"") >= BURST);
      assertThat(delivered)
          .as(
              "streams that got all %d events: %d of %d",
              BURST, streams.count(p -> p.occurrences("\"Action\":\"create\"") >= BURST), STREAMS)
          .isTrue();
      assertThat(streams.count(p -> p.closed)).as("streams closed").isZero();

      Latencies delivery = new Latencies(STREAMS);
      streams.peers().forEach(p -> delivery.add(p.lastReadNanos - burstStart));
      System.out.printf(
          "EventsFanoutIT: %d streams, burst of %d events delivered to all: %s after the first"
              + " create; proxy RSS %d MiB idle, %d MiB with the streams open%n",
          STREAMS, BURST, delivery, rssIdleKib / 1024, rssStreamingKib / 1024);
    }
  }

  private void create(String name, String label) throws IOException {
    containers.add(name);
    String config =
        "{\"Image\":\""
            + Engine.TEST_IMAGE
            + "\",\"Cmd\":[\"true\"],\"Labels\":{\"df-fanout\":\""
            + label
            + "\"},\"HostConfig\":{\"NetworkMode\":\"none\"}}";
    RawHttp.Response response =
        engine.request("POST", "/v1.41/containers/create?name=" + name, config);
    assertThat(response.status()).as(response.toString()).isEqualTo(201);
  }
}
