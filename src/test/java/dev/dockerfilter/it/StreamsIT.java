package dev.dockerfilter.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockerfilter.it.RawHttp.Chunk;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Endless and long answers (events, logs that follow) reach the client as the engine sends them,
 * are never cut by the proxy's timeouts, and end when the engine ends them.
 *
 * <p>The proxy runs with one-second timeouts, so every silence below outlasts all of them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StreamsIT {
  private static final Duration SHORT_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration SILENCE = SHORT_TIMEOUT.multipliedBy(4);
  private static final Duration ENGINE_DOWN_FOR = Duration.ofSeconds(6);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Engine engine;
  private static ProxyProcess proxy;
  private static DockerCli cli;

  private final List<String> containers = new ArrayList<>();

  @BeforeAll
  static void startProxyWithShortTimeouts() throws IOException {
    engine = Engine.fromEnvironment();
    proxy =
        ProxyProcess.start(
            engine,
            "--idle-timeout",
            SHORT_TIMEOUT.toSeconds() + "s",
            "--header-read-timeout",
            SHORT_TIMEOUT.toSeconds() + "s");
    cli = DockerCli.through(proxy);
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
  @Order(1)
  void logsFollowShowsALateLineAndEndsWhenTheContainerStops() {
    String name = container("logs-follow");
    engine.run(name, "sh", "-c", "echo early; sleep 3; echo late");

    try (DockerCli.Running logs = cli.start("logs", "-f", name)) {
      logs.awaitStdout("early", Duration.ofSeconds(10));
      assertThat(logs.stdout()).as("before the container's silence ends").doesNotContain("late");

      DockerCli.Result result = logs.awaitExit(Duration.ofSeconds(30));
      assertThat(result.exitCode()).as("%s%n%s", result, proxy.describe()).isZero();
      assertThat(result.stdout()).isEqualTo("early\nlate\n");
    }
  }

  @Test
  @Order(2)
  void eventsShowAContainerStartingAndDying() {
    String name = container("events");
    String since = Long.toString(System.currentTimeMillis() / 1000 - 1);

    // --since replays what happened after it, so nothing is lost while the CLI connects.
    try (DockerCli.Running events =
        cli.start(
            "events",
            "--since",
            since,
            "--filter",
            "container=" + name,
            "--format",
            "{{.Action}} {{.Actor.Attributes.name}}")) {
      Poll.sleep(Duration.ofSeconds(1));
      engine.run(name, "sh", "-c", "while true; do sleep 1; done");
      events.awaitStdout("start " + name, Duration.ofSeconds(10));
      engine.kill(name);
      events.awaitStdout("die " + name, Duration.ofSeconds(10));
      assertThat(events.isAlive()).as("docker events still follows the stream").isTrue();
    }
  }

  @Test
  @Order(3)
  void eventStreamStaysOpenAcrossASilenceLongerThanEveryTimeout() throws IOException {
    String name = container("silence");
    String filters = encode("{\"container\":[\"" + name + "\"]}");

    try (RawHttp events = RawHttp.connect(proxy.address())) {
      events.send("GET /v1.41/events?filters=" + filters + " HTTP/1.1\r\nHost: docker\r\n\r\n");
      RawHttp.Head head = events.readHead(Duration.ofSeconds(5));
      assertThat(head.status()).as(head.toString()).isEqualTo(200);
      assertThat(head.isChunked()).as("chunked framing is kept: %s", head).isTrue();

      Optional<Chunk> duringSilence = readOrTimeOut(events, SILENCE);
      assertThat(duringSilence).as("what arrived during %s of silence", SILENCE).isEmpty();

      engine.create(name, "true");
      Chunk chunk = events.readChunk(Duration.ofSeconds(5));
      assertThat(chunk.kind())
          .as("after the silence, %s", proxy.describe())
          .isEqualTo(Chunk.Kind.DATA);
      JsonNode event = JSON.readTree(chunk.data());
      assertThat(event.path("Action").asText()).isEqualTo("create");
      assertThat(event.at("/Actor/Attributes/name").asText()).isEqualTo(name);
    }
  }

  /** Last: it restarts the engine, which kills every running container. */
  @Test
  @Order(4)
  void engineRestartEndsTheEventStreamAndTheProxyRecoversByItself() throws Exception {
    try (RawHttp events = RawHttp.connect(proxy.address())) {
      events.send("GET /v1.41/events HTTP/1.1\r\nHost: docker\r\n\r\n");
      assertThat(events.readHead(Duration.ofSeconds(5)).status()).isEqualTo(200);

      Engine.Restart restart = engine.restartInBackground(ENGINE_DOWN_FOR);
      try {
        Chunk.Kind end = events.readToEnd(Duration.ofSeconds(30));
        assertThat(end)
            .as("how the stream ended (never inside a chunk)%n%s", proxy.describe())
            .isIn(Chunk.Kind.LAST, Chunk.Kind.CLOSED);

        RawHttp.Response whileDown = awaitBadGateway(Duration.ofSeconds(15));
        assertThat(messageOf(whileDown))
            .startsWith("docker-filter: cannot reach the Docker engine");
      } finally {
        restart.awaitSuccess(Duration.ofSeconds(90));
      }
    }

    RawHttp.Response afterRestart = containerList();
    assertThat(afterRestart.status())
        .as("the first request once the engine is back: %s%n%s", afterRestart, proxy.describe())
        .isEqualTo(200);
    DockerCli.Result ps = cli.run("ps");
    assertThat(ps.exitCode()).as(ps.toString()).isZero();
  }

  private RawHttp.Response awaitBadGateway(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    RawHttp.Response last = null;
    while (System.nanoTime() < deadline) {
      last = containerList();
      if (last.status() == 502) {
        return last;
      }
      Poll.sleep(Duration.ofMillis(100));
    }
    throw new AssertionError(
        "No 502 while the engine was down; last answer: " + last + "\n" + proxy.describe());
  }

  /** The {@code message} of a Docker-shaped JSON error body. */
  private static String messageOf(RawHttp.Response response) {
    assertThat(response.field("content-type"))
        .as("Content-Type of %s", response)
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    try {
      return JSON.readTree(response.body()).path("message").asText();
    } catch (IOException e) {
      throw new AssertionError("Not a JSON body: " + response, e);
    }
  }

  private static RawHttp.Response containerList() throws IOException {
    return RawHttp.exchange(
        proxy.address(),
        RawHttp.request("GET", "/v1.41/containers/json", null),
        Duration.ofSeconds(10));
  }

  /** The next chunk, or empty when nothing at all arrives within TIMEOUT. */
  private static Optional<Chunk> readOrTimeOut(RawHttp http, Duration timeout) throws IOException {
    try {
      return Optional.of(http.readChunk(timeout));
    } catch (SocketTimeoutException e) {
      return Optional.empty();
    }
  }

  private String container(String prefix) {
    String name = Engine.uniqueName(prefix);
    containers.add(name);
    return name;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
