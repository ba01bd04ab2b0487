package dev.dockerfilter.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * After a hundred thousand requests and a thousand streams its clients abandoned, the proxy holds
 * no more file descriptors than it started with: every upstream connection was closed with its
 * client.
 */
class ResourceLeakIT {
  private static final int REQUESTS = 100_000;
  private static final int ABORTED_STREAMS = 1_000;
  private static final int STREAMS_AT_ONCE = 250;

  private static Engine engine;
  private static ProxyProcess proxy;

  @BeforeAll
  static void startProxy() throws IOException {
    engine = Engine.fromEnvironment();
    proxy = ProxyProcess.start(engine);
  }

  @AfterAll
  static void stopProxy() throws IOException {
    if (proxy != null) {
      proxy.close();
    }
  }

  @Test
  void holdsNoMoreDescriptorsAfterLoadAndAbortedStreams() throws Exception {
    int fdsAtStart = settledFds();

    String report = h2load(REQUESTS, 16, "/_ping");
    assertThat(report).as(report).contains(REQUESTS + " succeeded").contains(", 0 failed");
    for (int done = 0; done < ABORTED_STREAMS; done += STREAMS_AT_ONCE) {
      abortStreams(STREAMS_AT_ONCE);
    }
    abortRequestsMidHead(100);

    Poll.await(
        Duration.ofSeconds(15),
        () -> ProcStats.openFds(proxy.pid()) <= fdsAtStart,
        "the proxy to hold no more descriptors than at start (" + fdsAtStart + ")",
        () -> "open now: " + ProcStats.openFds(proxy.pid()) + "\n" + proxy.describe());
    assertThat(proxy.answersPing()).isTrue();
  }

  /** Opens COUNT event streams at once, waits for each to start, then drops them all. */
  private static void abortStreams(int count) throws IOException {
    try (ConnectionFleet fleet = ConnectionFleet.connect(proxy.socket(), count)) {
      fleet.sendAll("GET /v1.41/events HTTP/1.1\r\nHost: docker\r\n\r\n");
      boolean started =
          fleet.pumpUntil(Duration.ofSeconds(20), p -> p.text().startsWith("HTTP/1.1 200 "));
      assertThat(started).as("all %d streams started", count).isTrue();
    }
  }

  /** Clients that leave in the middle of their request head. */
  private static void abortRequestsMidHead(int count) throws IOException {
    try (ConnectionFleet fleet = ConnectionFleet.connect(proxy.socket(), count)) {
      fleet.sendAll("GET /v1.41/containers/json HTTP/1.1\r\nHo");
      fleet.pump(Duration.ofMillis(100));
    }
  }

  /** The proxy's descriptor count once the readiness check's connections are gone. */
  private static int settledFds() {
    Poll.sleep(Duration.ofMillis(500));
    return ProcStats.openFds(proxy.pid());
  }

  /** Runs h2load over the proxy's socket; returns its report. */
  static String h2load(int requests, int clients, String target) throws Exception {
    Path out = Files.createTempFile("h2load-", ".txt");
    try {
      Process process =
          new ProcessBuilder(
                  List.of(
                      "h2load",
                      "--h1",
                      "-n",
                      Integer.toString(requests),
                      "-c",
                      Integer.toString(clients),
                      "-B",
                      "unix:" + proxy.socket(),
                      "http://docker" + target))
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("h2load did not finish in 120 s");
      }
      return Files.readString(out, StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
