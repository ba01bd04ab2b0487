package dev.dockerfilter.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Faults around a real engine: it is killed mid-request and mid-stream, it is slow, a client
 * vanishes mid-response, the listening socket file is deleted. The proxy keeps serving, and every
 * client gets a clear 502/504 JSON answer or a cleanly ended response, never a hang.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(15);

  private static Engine engine;
  private static ProxyProcess proxy;

  private final List<String> containers = new ArrayList<>();

  @BeforeAll
  static void startProxy() throws IOException {
    engine = Engine.fromEnvironment();
    proxy = ProxyProcess.start(engine);
  }

  @AfterEach
  void removeContainers() {
    if (engine.answersPing()) {
      containers.forEach(engine::remove);
    }
  }

  @AfterAll
  static void stopProxy() throws IOException {
    if (proxy != null) {
      proxy.close();
    }
  }

  @Test
  @Order(1)
  void aSlowEngineGives504Json() throws IOException {
    String name = container("slow");
    engine.run(name, "sleep", "60");
    try (ProxyProcess impatient =
        ProxyProcess.start(engine, "--upstream-header-timeout", "200ms")) {
      // A one-shot stats call takes the engine about a second: two samples to compare.
      RawHttp.Response response =
          RawHttp.exchange(
              impatient.address(),
              RawHttp.request("GET", "/v1.41/containers/" + name + "/stats?stream=false", null),
              WAIT);
      assertThat(response.status()).as(response.toString()).isEqualTo(504);
      assertThat(messageOf(response)).startsWith("docker-filter: the engine did not answer within");
      assertThat(impatient.answersPing()).isTrue();
    }
  }

  @Test
  @Order(2)
  void clientsThatVanishMidResponseLeaveNothingBehind() throws IOException {
    String name = container("chatty");
    engine.run(name, "seq", "1", "400000");
    Poll.await(WAIT, () -> !engine.isRunning(name), "the chatty container to exit", () -> "");
    int fdsBefore = settledFds();

    for (int i = 0; i < 20; i++) {
      try (RawHttp http = RawHttp.connect(proxy.address())) {
        http.send(
            "GET /v1.41/containers/" + name + "/logs?stdout=1 HTTP/1.1\r\nHost: docker\r\n\r\n");
        assertThat(http.readHead(WAIT).status()).isEqualTo(200);
        http.readChunk(WAIT);
      }
    }

    Poll.await(
        WAIT,
        () -> ProcStats.openFds(proxy.pid()) <= fdsBefore,
        "the proxy to release every connection of the vanished clients",
        () -> "open: " + ProcStats.openFds(proxy.pid()) + " > " + fdsBefore);
    assertThat(proxy.answersPing()).isTrue();
  }

  @Test
  @Order(3)
  void aDeletedListeningSocketIsDetectedAndLogged() throws IOException {
    try (ProxyProcess doomed = ProxyProcess.start(engine);
        RawHttp connected = RawHttp.connect(doomed.address())) {
      Files.delete(doomed.socket());

      Poll.await(
          WAIT,
          () -> doomed.output().contains("listening socket file was deleted or replaced"),
          "a warning that the socket file is gone",
          doomed::describe);
      assertThat(doomed.outputLines())
          .filteredOn(l -> l.contains("listening socket file was deleted"))
          .singleElement()
          .asString()
          .contains("level=warn");
      connected.send("GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n");
      assertThat(connected.readResponse("GET", WAIT).status())
          .as("a client connected before still served")
          .isEqualTo(200);
      assertThat(doomed.isAlive()).isTrue();
    }
  }

  /** Last: it kills the engine, which ends every running container. */
  @Test
  @Order(4)
  void engineKilledMidRequestAndMidStream() throws Exception {
    String name = container("victim");
    engine.run(name, "sleep", "30");
    try (RawHttp events = RawHttp.connect(proxy.address())) {
      events.send("GET /v1.41/events HTTP/1.1\r\nHost: docker\r\n\r\n");
      assertThat(events.readHead(WAIT).status()).isEqualTo(200);
      CompletableFuture<RawHttp.Response> slowRequest =
          CompletableFuture.supplyAsync(
              () -> exchange("/v1.41/containers/" + name + "/stats?stream=false"));
      Poll.sleep(Duration.ofMillis(300));

      killEngine();
      try {
        RawHttp.Chunk.Kind end = events.readToEnd(WAIT);
        assertThat(end)
            .as("how the stream ended")
            .isIn(RawHttp.Chunk.Kind.LAST, RawHttp.Chunk.Kind.CLOSED);
        RawHttp.Response cut = slowRequest.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(cut.status()).as("the request in flight: %s", cut).isEqualTo(502);
        assertThat(messageOf(cut)).startsWith("docker-filter: ");
        RawHttp.Response whileDown = exchange("/_ping");
        assertThat(whileDown.status()).isEqualTo(502);
        assertThat(messageOf(whileDown))
            .startsWith("docker-filter: cannot reach the Docker engine");
        // Kept alive, as curl and the docker CLI do: every request is answered, none hangs.
        try (RawHttp keptAlive = RawHttp.connect(proxy.address())) {
          for (int i = 0; i < 3; i++) {
            keptAlive.send("GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n");
            assertThat(keptAlive.readResponse("GET", WAIT).status())
                .as("round %d", i)
                .isEqualTo(502);
          }
        }
        proxy.awaitOutput("path=/_ping decision=allow rule=allow-ping reason=upstream-unavailable");
        assertThat(proxy.isAlive()).isTrue();
      } finally {
        engine.restartInBackground(Duration.ZERO).awaitSuccess(Duration.ofSeconds(90));
      }
    }
    Poll.await(
        WAIT, proxy::answersPing, "the proxy to answer once the engine is back", proxy::describe);
  }

  private static void killEngine() throws Exception {
    Path socket = engine.socket();
    String state = socket.getFileName().toString().replaceFirst("\\.sock$", "") + "-state";
    Path pidfile = socket.resolveSibling(state).resolve("dockerd.pid");
    long pid = Long.parseLong(Files.readString(pidfile).trim());
    Process kill = new ProcessBuilder("kill", "-KILL", Long.toString(pid)).start();
    assertThat(kill.waitFor()).as("kill -KILL dockerd %d", pid).isZero();
  }

  private static RawHttp.Response exchange(String target) {
    try {
      return RawHttp.exchange(proxy.address(), RawHttp.request("GET", target, null), WAIT);
    } catch (IOException e) {
      throw new AssertionError("GET " + target + " through the proxy failed: " + e, e);
    }
  }

  private static String messageOf(RawHttp.Response response) {
    assertThat(response.field("content-type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    try {
      return JSON.readTree(response.body()).path("message").asText();
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + response, e);
    }
  }

  private static int settledFds() {
    Poll.sleep(Duration.ofMillis(300));
    return ProcStats.openFds(proxy.pid());
  }

  private String container(String prefix) {
    String name = Engine.uniqueName(prefix);
    containers.add(name);
    return name;
  }
}
