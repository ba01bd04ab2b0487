package dev.dockerfilter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The real Docker engine the integration tests run against, reached directly on its socket (never
 * through the proxy): to set up containers and to see what the engine holds.
 *
 * <p>dev/test starts a private engine with dev/engine and passes its address in {@value #ENV}.
 */
final class Engine {
  static final String ENV = "DOCKER_FILTER_TEST_ENGINE";
  static final String TEST_IMAGE = "localtest/busybox:latest";

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String uri;

  private Engine(String uri) {
    this.uri = uri;
  }

  /** The engine named by {@value #ENV}; the test fails (never skips) when there is none. */
  static Engine fromEnvironment() {
    String uri = System.getenv(ENV);
    if (uri == null || uri.isBlank()) {
      fail(
          "%s is not set. The integration tests need a real Docker engine: run them with"
              + " dev/test, which installs and starts one and sets %s.",
          ENV, ENV);
    }
    if (!uri.startsWith("unix://")) {
      fail("%s must be unix:///path/to/docker.sock, not '%s'", ENV, uri);
    }
    Engine engine = new Engine(uri);
    if (!engine.answersPing()) {
      fail(
          "No Docker engine answers GET /_ping at %s=%s. Start one with: dev/engine start %s"
              + " (or run everything with dev/test)",
          ENV, uri, engine.socket());
    }
    return engine;
  }

  /**
   * An engine at URI without the checks of {@link #fromEnvironment}, for a relay in front of the
   * real engine (see {@link EngineSpy}).
   */
  static Engine at(String uri) {
    return new Engine(uri);
  }

  /** A container name no other test or run uses: PREFIX plus random hex. */
  static String uniqueName(String prefix) {
    byte[] random = new byte[4];
    ThreadLocalRandom.current().nextBytes(random);
    return "it-" + prefix + "-" + HexFormat.of().formatHex(random);
  }

  String uri() {
    return uri;
  }

  Path socket() {
    return Path.of(uri.substring("unix://".length()));
  }

  boolean answersPing() {
    try {
      return request("GET", "/_ping", null).status() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  RawHttp.Response request(String method, String target, String jsonBody) throws IOException {
    return RawHttp.exchange(uri, RawHttp.request(method, target, jsonBody), REQUEST_TIMEOUT);
  }

  /** GET TARGET, which must answer 200 with JSON. */
  JsonNode json(String target) {
    RawHttp.Response response = call("GET", target, null);
    assertThat(response.status()).as("GET %s on the engine: %s", target, response).isEqualTo(200);
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Creates a container of the test image with no network (the engine has no bridge anyway) that
   * runs COMMAND, and returns its id.
   */
  String create(String name, String... command) {
    return create(name, List.of(), command);
  }

  /** As {@link #create(String, String...)}, with environment variables ({@code NAME=value}). */
  String create(String name, List<String> environment, String... command) {
    ObjectNode config = JSON.createObjectNode();
    config.put("Image", TEST_IMAGE);
    ArrayNode env = config.putArray("Env");
    environment.forEach(env::add);
    ArrayNode cmd = config.putArray("Cmd");
    for (String word : command) {
      cmd.add(word);
    }
    config.putObject("HostConfig").put("NetworkMode", "none");
    String target = "/v1.41/containers/create?name=" + encode(name);
    RawHttp.Response response = call("POST", target, toJson(config));
    assertThat(response.status()).as("creating %s: %s", name, response).isEqualTo(201);
    try {
      return JSON.readTree(response.body()).get("Id").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates and starts a container (see {@link #create}); returns its id. */
  String run(String name, String... command) {
    String id = create(name, command);
    start(id);
    return id;
  }

  void start(String container) {
    expect("POST", "/v1.41/containers/" + container + "/start", 204, 304);
  }

  void kill(String container) {
    expect("POST", "/v1.41/containers/" + container + "/kill", 204, 409);
  }

  /** Removes the container whether it runs or not; a missing one is fine. */
  void remove(String container) {
    expect("DELETE", "/v1.41/containers/" + container + "?force=1", 204, 404);
  }

  /** Removes the image and the parents only it used; a missing one is fine. */
  void removeImage(String image) {
    expect("DELETE", "/v1.41/images/" + image + "?force=1", 200, 404);
  }

  /** The ids of every container, running or not. */
  List<String> containerIds() {
    List<String> ids = new ArrayList<>();
    json("/v1.41/containers/json?all=1").forEach(c -> ids.add(c.get("Id").asText()));
    return ids;
  }

  /** Whether the container's PID 1 still runs. */
  boolean isRunning(String container) {
    return json("/v1.41/containers/" + container + "/json").at("/State/Running").asBoolean();
  }

  /** What the engine holds, in a form to compare before and after: containers and images. */
  Snapshot snapshot() {
    List<String> containers = new ArrayList<>();
    for (JsonNode c : json("/v1.41/containers/json?all=1")) {
      containers.add(c.get("Id").asText() + " " + c.get("Names") + " " + c.get("State").asText());
    }
    List<String> images = new ArrayList<>();
    for (JsonNode i : json("/v1.41/images/json?all=1")) {
      images.add(i.get("Id").asText() + " " + i.get("RepoTags"));
    }
    containers.sort(null);
    images.sort(null);
    return new Snapshot(containers, images);
  }

  /**
   * Starts {@code dev/engine restart} for this engine, which stops it, keeps it down for DOWN_FOR
   * and starts it again with the same state.
   */
  Restart restartInBackground(Duration downFor) throws IOException {
    Path log = Files.createTempFile("engine-restart-", ".log");
    Process process =
        new ProcessBuilder(
                Project.devScript("engine").toString(),
                "restart",
                socket().toString(),
                "--down-for",
                Long.toString(downFor.toSeconds()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    return new Restart(process, log);
  }

  private void expect(String method, String target, int... statuses) {
    RawHttp.Response response = call(method, target, null);
    for (int status : statuses) {
      if (response.status() == status) {
        return;
      }
    }
    fail("%s %s on the engine answered %s", method, target, response);
  }

  private RawHttp.Response call(String method, String target, String body) {
    try {
      return request(method, target, body);
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + target + " on the engine at " + uri, e);
    }
  }

  private static String toJson(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** Containers (id, names, state) and images (id, tags), each sorted. */
  record Snapshot(List<String> containers, List<String> images) {
    Snapshot {
      containers = List.copyOf(containers);
      images = List.copyOf(images);
    }
  }

  /** A running {@code dev/engine restart}. */
  record Restart(Process process, Path log) {
    /** Waits for the restart to finish and fails the test unless it succeeded. */
    void awaitSuccess(Duration timeout) throws IOException, InterruptedException {
      boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!exited) {
        process.destroyForcibly();
      }
      String output = Files.readString(log);
      Files.deleteIfExists(log);
      assertThat(exited).as("dev/engine restart finished within %s:%n%s", timeout, output).isTrue();
      assertThat(process.exitValue()).as("dev/engine restart:%n%s", output).isZero();
    }
  }
}
