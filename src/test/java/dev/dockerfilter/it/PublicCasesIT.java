package dev.dockerfilter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dockerfilter.it.RawHttp.Chunk;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every case of {@code shared/cases/public-cases.md} that concerns the read-only proxy, sent as raw
 * bytes (or with the real docker CLI where the case says so) through the real jar to the real
 * engine. A test is named after its case and asserts the case's "Expected"; inputs beyond the one
 * shown cover the rest of the case's kind.
 *
 * <p>The shared proxy forwards to the engine through an {@link EngineSpy}, so "not forwarded" is
 * checked on the bytes that reached the engine, not only on the answer. It runs with one-second
 * idle and header-read timeouts, so that a few seconds of silence outlast every timeout (C18, C19).
 *
 * <p>C11 (secret redaction) runs its own redacting proxy, straight in front of the engine.
 */
class PublicCasesIT {
  private static final Duration SHORT_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration SILENCE = SHORT_TIMEOUT.multipliedBy(3);
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Engine engine;
  private static EngineSpy spy;
  private static ProxyProcess proxy;
  private static String tcpAddress;
  private static String fixture;

  private final List<String> containers = new ArrayList<>();
  private final List<String> images = new ArrayList<>();

  @BeforeAll
  static void startFixtureSpyAndProxy() throws IOException {
    engine = Engine.fromEnvironment();
    fixture = Engine.uniqueName("cases");
    engine.run(fixture, "sh", "-c", "echo out-line-1; while true; do sleep 1; done");

    ProxyProcess.Builder builder = ProxyProcess.builder(engine);
    spy = EngineSpy.start(builder.dir().resolve("spy.sock"), engine);
    // The builder's engine is fixed at creation: build a second one, in front of the spy.
    builder = ProxyProcess.builder(spy.engine());
    tcpAddress = "tcp://127.0.0.1:" + RawHttp.freeLoopbackPort();
    proxy =
        builder
            .listen("unix://" + builder.dir().resolve("docker.sock"))
            .listen(tcpAddress)
            .options(
                "--idle-timeout",
                SHORT_TIMEOUT.toSeconds() + "s",
                "--header-read-timeout",
                SHORT_TIMEOUT.toSeconds() + "s")
            .start();
  }

  @AfterEach
  void removeContainersAndImages() {
    containers.forEach(engine::remove);
    images.forEach(engine::removeImage);
  }

  @AfterAll
  static void stopAll() throws IOException {
    if (proxy != null) {
      proxy.close();
    }
    if (spy != null) {
      spy.close();
    }
    if (engine != null && fixture != null) {
      engine.remove(fixture);
    }
  }

  // --- 1. Path matching and normalisation ------------------------------------------------------

  @Test
  void c01VersionPrefixIsOptionalAndAcceptedOnlyOnceInTheEnginesGrammar() throws IOException {
    for (String target : List.of("/containers/json", "/v1.41/containers/json")) {
      String request = "GET " + target + " HTTP/1.1\r\nHost: docker\r\n\r\n";
      RawHttp.Response viaProxy = send(request);
      RawHttp.Response direct = RawHttp.exchange(engine.uri(), request, WAIT);
      assertThat(viaProxy.status()).as("%s: %s", target, viaProxy).isEqualTo(200);
      assertThat(JSON.readTree(viaProxy.body()))
          .as("%s answers as the engine does", target)
          .isEqualTo(JSON.readTree(direct.body()));
    }

    List<String> denied =
        List.of(
            "/v1.41/v1.41/containers/json",
            "/v1/containers/json",
            "/vX.Y/containers/json",
            // The same kind: anything but exactly one v<digits>.<digits> segment.
            "/V1.41/containers/json",
            "/v1.41./containers/json",
            "/v1.41.0/containers/json",
            "/v.41/containers/json",
            "/v1.41/v1.40/_ping",
            "/api/v1.41/containers/json");
    for (String target : denied) {
      assertDenied(send("GET " + target + " HTTP/1.1\r\nHost: docker\r\n\r\n"), target);
    }
    assertThat(spy.requestLines())
        .as("requests that reached the engine")
        .noneMatch(l -> l.contains("/v1.41/v1.4"))
        .noneMatch(l -> l.contains(" /v1/") || l.contains("/vX.Y/") || l.contains("/V1.41/"))
        .noneMatch(l -> l.contains("/v1.41./") || l.contains("/v1.41.0/") || l.contains("/v.41/"))
        .noneMatch(l -> l.contains("/api/"));
  }

  @Test
  void c02PodmanLibpodPrefixAndWildcardSegmentsAreDenied() throws IOException {
    List<String> targets =
        List.of(
            "/v4.6.1/libpod/_ping",
            "/v1.41/anything/containers/json",
            "/v1.41/libpod/containers/abc/archive?path=/",
            // The same kind: an extra segment before an allowed tail never widens the list.
            "/libpod/_ping",
            "/v1.41/libpod/containers/json",
            "/v4.6/libpod/info",
            "/v1.41/x/_ping");
    for (String target : targets) {
      assertDenied(send("GET " + target + " HTTP/1.1\r\nHost: d\r\n\r\n"), target);
    }
    assertThat(spy.requestLines())
        .noneMatch(l -> l.contains("libpod") || l.contains("anything") || l.contains("/x/_ping"));
  }

  @Test
  void c03QueryNeverSatisfiesARuleAndIsForwardedByteForByte() throws IOException {
    List<String> denied =
        List.of(
            "/v1.41/containers/abc/export?x=/json",
            "/v1.41/containers/abc/archive?path=/etc&y=/containers/json",
            // The same kind: query text that looks like an allowed path or a path separator.
            "/v1.41/containers/abc/export?/json",
            "/v1.41/containers/abc/export?x=%2F..%2Fjson",
            "/v1.41/images/get?x=/images/json",
            "/v1.41/containers/create?/containers/json");
    for (String target : denied) {
      assertDenied(send("GET " + target + " HTTP/1.1\r\nHost: d\r\n\r\n"), target);
    }

    List<String> allowed =
        List.of(
            "/v1.41/containers/json?all=1&filters=%7B%22status%22%3A%5B%22running%22%5D%7D",
            // Python clients: '+' for spaces, booleans spelled False, repeated keys.
            "/v1.41/containers/json?all=False&filters=%7B%22label%22%3A+%5B%22a%3Db%22%5D%7D"
                + "&x=1&x=2",
            "/v1.41/containers/json?x=%2F..%2F&y=a/b?c");
    for (String target : allowed) {
      RawHttp.Response response = send("GET " + target + " HTTP/1.1\r\nHost: d\r\n\r\n");
      assertThat(response.status()).as("%s: %s", target, response).isEqualTo(200);
      assertThat(spy.requestLines())
          .as("the query reaches the engine unchanged")
          .contains("GET " + target + " HTTP/1.1");
    }
    assertThat(spy.requestLines())
        .noneMatch(l -> l.contains("/export") || l.contains("/archive"))
        .noneMatch(l -> l.contains("/images/get") || l.contains("/containers/create"));
  }

  @Test
  void c04DotSegmentsAreRejectedAndNeverForwardedOrRedirected() throws IOException {
    List<String> targets =
        List.of(
            "/v1.41/containers/json/../abc/export",
            "/v1.41/containers/json/%2e%2e/abc/export",
            "/v1.41/containers/./json",
            // The same kind: every spelling of '.', '..' and '//' the engine would clean up.
            "/v1.41/containers/json/%2E%2E/abc/export",
            "/v1.41/containers/json/.%2e/abc/export",
            "/v1.41/containers/json/..",
            "/v1.41/containers/json/.",
            "/v1.41/containers/json/",
            "/v1.41//containers/json",
            "//v1.41/containers/json",
            "/v1.41/containers%2F%2Fjson",
            "/v1.41/containers/abc%2F..%2Fexport",
            "/v1.41/containers/%2e/json");
    for (String target : targets) {
      // A pipelined allowed request after the reject must never be read or answered.
      String request =
          "GET " + target + " HTTP/1.1\r\nHost: d\r\n\r\nGET /_ping HTTP/1.1\r\nHost: d\r\n\r\n";
      assertRejected(request, 400);
    }
    assertThat(spy.requestLines())
        .noneMatch(l -> l.contains("export") || l.contains("/./") || l.contains("//"))
        .noneMatch(l -> l.contains("..") || l.contains("%2e") || l.contains("%2E"));
  }

  @Test
  void c06PercentEscapesAreDecodedExactlyOnceLikeTheEngine() throws IOException {
    // 1, 2 and lower-case hex: an encoded '/' is a separator to the engine's router.
    for (String target :
        List.of(
            "/v1.41/containers/abc%2Fexport",
            "/v1.41/containers/abc%2Farchive?path=/",
            "/v1.41/containers/abc%2fexport",
            "/v1.41/containers%2Fabc%2Fexport",
            "/v1.41/%63ontainers/abc/%65xport")) {
      RawHttp.Response response = send("GET " + target + " HTTP/1.1\r\nHost: d\r\n\r\n");
      assertDenied(response, target);
      assertThat(messageOf(response)).containsPattern("GET /containers/abc/(export|archive):");
    }

    // 3: allowed, and forwarded as the canonical path.
    RawHttp.Response decoded = send("GET /v1.41/%63ontainers/json HTTP/1.1\r\nHost: d\r\n\r\n");
    assertThat(decoded.status()).as(decoded.toString()).isEqualTo(200);
    assertThat(spy.requestLines()).contains("GET /v1.41/containers/json HTTP/1.1");
    assertThat(spy.requestLines()).noneMatch(l -> l.contains("%63"));

    // 4: decoded once, the id holds a literal "%2F", which names no container: pinned to 403.
    RawHttp.Response twice =
        send("GET /v1.41/containers/abc%252Fexport HTTP/1.1\r\nHost: d\r\n\r\n");
    assertDenied(twice, "/v1.41/containers/abc%252Fexport");
    assertThat(messageOf(twice)).contains("GET /containers/abc%2Fexport:");

    // 5, 6 and the rest of the kind: backslash, NUL and other controls, bad escapes, overlong
    // UTF-8 for '/', are rejected.
    for (String target :
        List.of(
            "/v1.41/containers/abc%5C..%5Cexport",
            "/v1.41/containers/abc%00/json",
            "/v1.41/containers/abc%5cjson",
            "/v1.41/containers/abc%0Ajson",
            "/v1.41/containers/abc%7Fjson",
            "/v1.41/containers/abc%c0%afexport",
            "/v1.41/containers/abc%u002fexport",
            "/v1.41/containers/abc%2")) {
      assertRejected("GET " + target + " HTTP/1.1\r\nHost: d\r\n\r\n", 400);
    }
    assertThat(spy.requestLines())
        .noneMatch(l -> l.contains("export") || l.contains("archive"))
        .noneMatch(l -> l.contains("%5C") || l.contains("%5c") || l.contains("%00"));
  }

  // --- 2. Dangerous endpoints reachable with GET/HEAD only -------------------------------------

  @Test
  void c08ArchiveExportAndChangesAreDeniedEvenForHead() throws IOException {
    // What a leak would look like: the engine itself answers HEAD archive with file metadata.
    RawHttp.Response leak =
        RawHttp.exchange(
            engine.uri(),
            "HEAD /v1.41/containers/"
                + fixture
                + "/archive?path=/etc/passwd HTTP/1.1\r\n"
                + "Host: d\r\n\r\n",
            WAIT);
    assertThat(leak.field("x-docker-container-path-stat")).as(leak.toString()).isPresent();

    for (String id : List.of(fixture, "abc")) {
      for (String request :
          List.of(
              "GET /v1.41/containers/" + id + "/archive?path=/etc/shadow",
              "GET /v1.41/containers/" + id + "/export",
              "GET /v1.41/containers/" + id + "/changes",
              // The same kind: other spellings of the same reads.
              "GET /containers/" + id + "/archive?path=/",
              "GET /v1.41/containers/" + id + "/%61rchive?path=/",
              "HEAD /v1.41/containers/" + id + "/export")) {
        assertDenied(send(request + " HTTP/1.1\r\nHost: d\r\n\r\n"), request);
      }

      String head = "HEAD /v1.41/containers/" + id + "/archive?path=/root/.ssh";
      RawHttp.Response response = send(head + " HTTP/1.1\r\nHost: d\r\n\r\n");
      assertThat(response.status()).as("%s: %s", head, response).isEqualTo(403);
      assertThat(response.field("content-type")).hasValue("application/json");
      assertThat(response.body()).as("a HEAD answer has no body").isEmpty();
      assertThat(response.field("x-docker-container-path-stat")).as(head).isEmpty();
    }
    assertThat(spy.requestLines())
        .noneMatch(l -> l.contains("/archive") || l.contains("/export") || l.contains("/changes"))
        .noneMatch(l -> l.contains("/%61rchive"));
  }

  @Test
  void c09WebsocketAttachIsDeniedAndNeverUpgraded() throws IOException {
    String upgrade =
        "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    for (String id : List.of("abc", fixture)) {
      List<String> requests =
          List.of(
              "GET /v1.41/containers/"
                  + id
                  + "/attach/ws?stream=1&stdin=1&stdout=1 HTTP/1.1\r\n"
                  + "Host: d\r\n"
                  + upgrade
                  + "\r\n",
              "GET /v1.41/containers/" + id + "/attach/ws HTTP/1.1\r\nHost: d\r\n\r\n",
              // The same kind: an encoded separator, no version, HEAD.
              "GET /v1.41/containers/"
                  + id
                  + "/attach%2Fws?stdin=1 HTTP/1.1\r\nHost: d\r\n"
                  + upgrade
                  + "\r\n",
              "GET /containers/" + id + "/attach/ws?stdin=1 HTTP/1.1\r\nHost: d\r\n\r\n",
              "HEAD /v1.41/containers/" + id + "/attach/ws HTTP/1.1\r\nHost: d\r\n\r\n");
      for (String request : requests) {
        RawHttp.Response response = send(request);
        assertThat(response.status()).as("never 101: %s", request).isNotEqualTo(101);
        assertDenied(response, request);
      }
    }
    assertThat(spy.requestLines()).noneMatch(l -> l.contains("/attach"));
  }

  // --- 3. Framing, smuggling and request bodies ------------------------------------------------

  @Test
  void c11RedactionHidesEnvironmentValuesReframesTheAnswerAndRefusesLogs() throws IOException {
    String leak = Engine.uniqueName("c11");
    List<String> env = new ArrayList<>(List.of("DB_PASSWORD=hunter2", "VISIBLE=shown"));
    // Enough variables that the engine sends the inspect answer in chunks, without a length.
    for (int i = 0; i < 40; i++) {
      env.add("FILLER_" + i + "=" + "f".repeat(60));
    }
    String id = engine.create(leak, env, "sleep", "600");
    containers.add(id);
    engine.start(id);
    String inspect = "GET /v1.41/containers/" + leak + "/json HTTP/1.1\r\nHost: d\r\n\r\n";
    RawHttp.Response direct = RawHttp.exchange(engine.uri(), inspect, WAIT);
    assertThat(direct.head().isChunked()).as("the engine chunks a large answer").isTrue();
    assertThat(new String(direct.body(), StandardCharsets.UTF_8)).contains("hunter2");

    try (ProxyProcess redacting =
        ProxyProcess.builder(engine).options("--redact", "--redact-keep-env", "VISIBLE").start()) {
      // Valid JSON with a length that fits it, equal to the engine's but for the hidden values.
      RawHttp.Response proxied = RawHttp.exchange(redacting.address(), inspect, WAIT);
      assertThat(proxied.status()).isEqualTo(200);
      assertThat(proxied.head().isChunked()).isFalse();
      assertThat(proxied.head().contentLength()).hasValue(proxied.body().length);
      assertThat(new String(proxied.body(), StandardCharsets.UTF_8)).doesNotContain("hunter2");
      ObjectNode expected = (ObjectNode) JSON.readTree(direct.body());
      ArrayNode expectedEnv = (ArrayNode) expected.path("Config").path("Env");
      for (int i = 0; i < expectedEnv.size(); i++) {
        String variable = expectedEnv.get(i).asText();
        String name = variable.substring(0, variable.indexOf('='));
        if (!name.equals("VISIBLE")) {
          expectedEnv.set(i, name + "=<redacted>");
        }
      }
      assertThat(JSON.readTree(proxied.body())).isEqualTo(expected);

      // The docker CLI prints no secret.
      DockerCli cli = DockerCli.through(redacting);
      DockerCli.Result shown =
          cli.run("inspect", leak, "--format", "{{range .Config.Env}}{{println .}}{{end}}");
      assertThat(shown.exitCode()).as(shown.toString()).isZero();
      assertThat(shown.stdout())
          .contains("DB_PASSWORD=<redacted>\n", "VISIBLE=shown\n")
          .doesNotContain("hunter2");

      // Logs cannot be redacted: refused, and the CLI says so on one line.
      DockerCli.Result logs = cli.run("logs", leak);
      assertThat(logs.exitCode()).as(logs.toString()).isNotZero();
      // The CLI asks for the logs by the id it got from inspect.
      assertOneDaemonErrorLine(logs, "docker-filter refused GET /containers/" + id + "/logs: ");
      RawHttp.Response rawLogs =
          RawHttp.exchange(
              redacting.address(),
              "GET /v1.41/containers/"
                  + leak
                  + "/logs?stdout=1&stderr=1 HTTP/1.1\r\nHost: d\r\n\r\n",
              WAIT);
      assertThat(rawLogs.status()).isEqualTo(403);
      redacting.awaitOutput("rule=redact-logs reason=logs-not-redactable status=403");
    }
  }

  @Test
  void c11RedactionHidesTheEnvAndArgLinesOfAClassicBuild() throws IOException {
    // The classic builder repeats each step in the ContainerConfig.Cmd of the image it commits;
    // with --rm=false it keeps the containers it committed, which the list shows by command.
    String secret = Engine.uniqueName("s3cret");
    String tag = "local/" + Engine.uniqueName("c11-build");
    classicBuild(
        tag,
        "ENV DB_PASSWORD=" + secret + "-env",
        "ARG TOKEN=" + secret + "-arg",
        "RUN true",
        "ONBUILD ENV TRIGGER=" + secret + "-onbuild");
    List<String> targets = new ArrayList<>();
    for (JsonNode layer : engine.json("/v1.41/images/" + tag + "/history")) {
      targets.add("/images/" + layer.get("Id").asText() + "/json");
    }
    targets.addAll(List.of("/images/" + tag + "/history", "/containers/json?all=1", "/system/df"));
    containers.forEach(id -> targets.add("/containers/" + id + "/json"));

    try (ProxyProcess redacting = ProxyProcess.builder(engine).options("--redact", "env").start()) {
      StringBuilder direct = new StringBuilder();
      List<JsonNode> commands = new ArrayList<>();
      for (String target : targets) {
        String request = "GET /v1.41" + target + " HTTP/1.1\r\nHost: d\r\n\r\n";
        RawHttp.Response proxied = RawHttp.exchange(redacting.address(), request, WAIT);
        assertThat(proxied.status()).as("%s: %s", target, proxied).isEqualTo(200);
        assertThat(new String(proxied.body(), StandardCharsets.UTF_8))
            .as(target)
            .doesNotContain(secret);
        RawHttp.Response fromEngine = RawHttp.exchange(engine.uri(), request, WAIT);
        direct.append(new String(fromEngine.body(), StandardCharsets.UTF_8));
        commands.add(JSON.readTree(proxied.body()).path("ContainerConfig").path("Cmd"));
      }

      // The engine shows every secret, so each check above could fail; names stay readable.
      String finalImage = engine.json("/v1.41/images/" + tag + "/json").toString();
      assertThat(finalImage).as("direct image inspect").contains(secret + "-onbuild");
      assertThat(direct).contains(secret + "-env", secret + "-arg", secret + "-onbuild");
      assertThat(commands)
          .contains(
              JSON.valueToTree(List.of("/bin/sh", "-c", "#(nop) ", "<redacted>")),
              JSON.valueToTree(List.of("|1", "TOKEN=<redacted>", "/bin/sh", "-c", "true")));
      DockerCli.Result shown = DockerCli.through(redacting).run("image", "inspect", tag);
      assertThat(shown.exitCode()).as(shown.toString()).isZero();
      assertThat(shown.stdout()).contains("DB_PASSWORD=<redacted>").doesNotContain(secret);
    }
  }

  /**
   * Builds TAG from the test image and STEPS with the classic builder, keeping the containers it
   * commits (in {@link #containers}, removed after the test with the image).
   */
  private void classicBuild(String tag, String... steps) throws IOException {
    List<String> before = engine.containerIds();
    Path context = Files.createTempDirectory("c11-build-");
    try {
      String dockerfile = "FROM " + Engine.TEST_IMAGE + "\n" + String.join("\n", steps) + "\n";
      Files.writeString(context.resolve("Dockerfile"), dockerfile);
      images.add(tag);
      DockerCli.Result build =
          DockerCli.direct(engine)
              .withVariable("DOCKER_BUILDKIT", "0")
              .run(Duration.ofSeconds(60), "build", "--rm=false", "-t", tag, context.toString());
      assertThat(build.exitCode()).as(build.toString()).isZero();
    } finally {
      engine.containerIds().stream().filter(id -> !before.contains(id)).forEach(containers::add);
      Project.deleteTree(context);
    }
  }

  @Test
  void c12SmuggledPostAfterZeroContentLengthIsJudgedAlone() throws IOException {
    Engine.Snapshot before = engine.snapshot();
    String create = "{\"Image\":\"" + Engine.TEST_IMAGE + "\"}";
    String smuggledCreate =
        "POST /v1.41/containers/create HTTP/1.1\r\nHost: d\r\nContent-Type: application/json\r\n"
            + "Content-Length: "
            + create.length()
            + "\r\n\r\n"
            + create;
    String smuggledDelete =
        "DELETE /v1.41/containers/" + fixture + "?force=1 HTTP/1.1\r\nHost: d\r\n\r\n";

    List<String> firsts =
        List.of(
            // The case's input.
            "GET /_ping HTTP/1.1\r\nHost: d\r\nContent-Length: 0\r\n\r\n",
            // The same kind: other empty bodies an allowed request can carry.
            "GET /_ping HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "HEAD /_ping HTTP/1.1\r\nHost: d\r\nContent-Length: 0\r\n\r\n",
            "GET /v1.41/version HTTP/1.1\r\nHost: d\r\n\r\n");
    for (String first : firsts) {
      for (String second : List.of(smuggledCreate, smuggledDelete)) {
        try (RawHttp http = RawHttp.connect(proxy.address())) {
          http.send(first + second);
          RawHttp.Response allowed = http.readResponse(method(first), WAIT);
          assertThat(allowed.status()).as("%s%s", first, allowed).isEqualTo(200);
          RawHttp.Response smuggled = http.readResponse(method(second), WAIT);
          assertDenied(smuggled, second);
        }
      }
    }

    assertThat(engine.snapshot()).as("what the engine holds").isEqualTo(before);
    assertThat(engine.isRunning(fixture)).as("the fixture still runs").isTrue();
    assertThat(spy.requestLines()).noneMatch(l -> l.startsWith("POST ") || l.startsWith("DELETE "));
    List<Map<String, String>> lines = accessLines("/containers/create");
    assertThat(lines).as(proxy.describe()).isNotEmpty();
    assertThat(lines).allSatisfy(l -> assertThat(l).containsEntry("decision", "deny"));
  }

  @Test
  void c14EmptyDuplicateOrListContentLengthIsRejected() throws IOException {
    String export = "GET /v1.41/containers/abc/export HTTP/1.1\r\n\r\n";
    List<String> requests =
        List.of(
            "GET /_ping HTTP/1.1\r\nHost: d\r\nContent-Length:\r\nContent-Length: 45\r\n\r\n"
                + export,
            "GET /_ping HTTP/1.1\r\nHost: d\r\nContent-Length: 0\r\nContent-Length: 45\r\n\r\n"
                + export,
            "GET /_ping HTTP/1.1\r\nHost: d\r\nContent-Length: 0, 41\r\n\r\n",
            "GET /_ping HTTP/1.1\r\nHost: d\r\nContent-Length: +0\r\n\r\n",
            // The same kind: every length that two parsers could read two ways.
            "GET /_ping HTTP/1.1\r\nHost: d\r\nContent-Length:\r\n\r\n" + export,
            "GET /_ping HTTP/1.1\r\nHost: d\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n",
            "GET /_ping HTTP/1.1\r\nHost: d\r\nContent-Length: 0\r\ncontent-length: 0\r\n\r\n",
            "GET /_ping HTTP/1.1\r\nHost: d\r\nContent-Length: -0\r\n\r\n",
            "GET /_ping HTTP/1.1\r\nHost: d\r\nContent-Length: 0x0\r\n\r\n",
            "GET /_ping HTTP/1.1\r\nHost: d\r\nContent-Length: 1 2\r\n\r\n",
            "GET /_ping HTTP/1.1\r\nHost: d\r\nContent-Length: 99999999999999999999\r\n\r\n",
            "GET /_ping HTTP/1.0\r\nContent-Length: 0\r\nContent-Length: 45\r\n\r\n" + export,
            "POST /_ping HTTP/1.1\r\nHost: d\r\nContent-Length: 0\r\nContent-Length: 45\r\n\r\n"
                + export);
    for (String request : requests) {
      assertRejected(request, 400);
    }
    assertThat(spy.requestLines()).noneMatch(l -> l.contains("/export"));
  }

  @Test
  void c15ConflictingOrObfuscatedTransferEncodingIsRejected() throws IOException {
    List<String> requests =
        List.of(
            "GET /_ping HTTP/1.1\r\nHost: d\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n"
                + "\r\n0\r\n\r\n",
            "GET /_ping HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: xchunked\r\n\r\n",
            "GET /_ping HTTP/1.1\r\nHost: d\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n",
            "GET /_ping HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: chunked, identity\r\n\r\n"
                + "0\r\n\r\n",
            "GET /_ping HTTP/1.1\r\nHost: d\r\n Content-Length: 5\r\n\r\n",
            // The same kind: other codings, lists, repeats, versions and whitespace.
            "GET /_ping HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: identity\r\n\r\n",
            "GET /_ping HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
            "GET /_ping HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: chunked, chunked\r\n\r\n"
                + "0\r\n\r\n",
            "GET /_ping HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: chunked\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "GET /_ping HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: \"chunked\"\r\n\r\n0\r\n\r\n",
            "GET /_ping HTTP/1.1\r\nHost: d\r\nTransfer-Encoding\t: chunked\r\n\r\n0\r\n\r\n",
            "GET /_ping HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "GET /_ping HTTP/1.1\r\nHost: d\r\nX: a\r\n\tContent-Length: 5\r\n\r\n",
            "GET /_ping HTTP/1.1\r\nHost: d\r\nX: a\rContent-Length: 5\r\n\r\n",
            "GET /_ping HTTP/1.1\nHost: d\nContent-Length: 5\n\n",
            "GET /_ping HTTP/1.1\r\nHost: d\r\nContent-Length\r\n\r\n",
            "GET /_ping HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"
                + "0\r\n\r\n",
            "GET /_ping HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: chunked\r\n\r\n0\n\r\n");
    for (String request : requests) {
      assertRejected(request, 400);
    }
  }

  @Test
  void c15VeryLongHeaderNameIsNeverReadAsContentLength() throws IOException {
    String longName =
        "GET /_ping HTTP/1.1\r\nHost: d\r\nContent-Length0" + "a".repeat(270) + ": 0\r\n";
    String followUp = "DELETE /v1.41/containers/" + fixture + " HTTP/1.1\r\nHost: d\r\n\r\n";
    try (RawHttp http = RawHttp.connect(proxy.address())) {
      // Were the long name read as Content-Length: 0 with a body, or truncated into one, the
      // DELETE would be swallowed as a body or merged into the first request.
      http.send(longName + "\r\n" + followUp);
      RawHttp.Response first = http.readResponse("GET", WAIT);
      if (first.status() == 200) {
        assertDenied(http.readResponse("DELETE", WAIT), followUp);
      } else {
        assertThat(first.status()).as(first.toString()).isIn(400, 431);
        assertThat(http.awaitClosed(WAIT)).isTrue();
      }
    }
    assertThat(engine.isRunning(fixture)).isTrue();
    assertThat(spy.requestLines()).noneMatch(l -> l.startsWith("DELETE "));
  }

  @Test
  void c15HeaderBlockOverTheLimitGets431() throws IOException {
    // The case's input: one 70000-byte field against the 16 KiB default limit.
    assertRejected("GET /_ping HTTP/1.1\r\nHost: d\r\nX: " + "a".repeat(70_000) + "\r\n\r\n", 431);
    // The same kind: many small fields that add up past the limit.
    StringBuilder many = new StringBuilder("GET /_ping HTTP/1.1\r\nHost: d\r\n");
    for (int i = 0; i < 3000; i++) {
      many.append("X").append(i).append(": y\r\n");
    }
    assertRejected(many.append("\r\n").toString(), 431);
  }

  @Test
  void c15RequestLineOverTheLimitGets414() throws IOException {
    assertRejected(
        "GET /v1.41/containers/json?x=" + "a".repeat(9000) + " HTTP/1.1\r\nHost: d\r\n\r\n", 414);
  }

  @Test
  void c15HeadUnderTheLimitIsServedHoweverItArrives() throws IOException {
    // A strict parser must still accept every head under its limits: one of 3 KiB (more than the
    // first read of a connection), and one that arrives in two writes.
    String big = "GET /_ping HTTP/1.1\r\nHost: d\r\nX-Big: " + "a".repeat(3000) + "\r\n\r\n";
    RawHttp.Response response = send(big);
    assertThat(response.status()).as("a 3 KiB head: %s", response).isEqualTo(200);

    String filter = encode("{\"label\":[\"x=" + "y".repeat(2500) + "\"]}");
    RawHttp.Response list =
        send("GET /v1.41/containers/json?filters=" + filter + " HTTP/1.1\r\nHost: d\r\n\r\n");
    assertThat(list.status()).as("a 7 KiB request line: %s", list).isEqualTo(200);

    try (RawHttp http = RawHttp.connect(proxy.address())) {
      http.send("GET /_ping HTTP/1.1\r\n");
      Poll.sleep(Duration.ofMillis(200));
      http.send("Host: d\r\n\r\n");
      RawHttp.Response split = http.readResponse("GET", WAIT);
      assertThat(split.status()).as("a head in two writes: %s", split).isEqualTo(200);
    }
  }

  // --- 4. Connection upgrade and hijack --------------------------------------------------------

  @Test
  void c17UpgradeIsDeniedOnWritesAndStrippedFromAllowedReads() throws IOException {
    String upgrade = "Connection: Upgrade\r\nUpgrade: tcp\r\n";
    for (String id : List.of("abc", fixture)) {
      for (String request :
          List.of(
              "POST /v1.41/exec/"
                  + id
                  + "/start HTTP/1.1\r\nHost: d\r\n"
                  + upgrade
                  + "Content-Type: application/json\r\nContent-Length: 29\r\n\r\n"
                  + "{\"Detach\":false,\"Tty\":false}\n",
              "POST /v1.41/containers/"
                  + id
                  + "/attach?stream=1&stdin=1 HTTP/1.1\r\nHost: d\r\n"
                  + upgrade
                  + "Content-Length: 0\r\n\r\n",
              // The same kind: exec create, and attach with no length at all.
              "POST /v1.41/containers/"
                  + id
                  + "/exec HTTP/1.1\r\nHost: d\r\n"
                  + "Content-Type: application/json\r\nContent-Length: 14\r\n\r\n"
                  + "{\"Cmd\":[\"id\"]}",
              "POST /v1.41/containers/"
                  + id
                  + "/attach?stream=1&stdin=1 HTTP/1.1\r\nHost: d\r\n"
                  + upgrade
                  + "\r\n")) {
        RawHttp.Response response = send(request);
        assertThat(response.status()).as("never 101: %s", request).isNotEqualTo(101);
        assertDenied(response, request);
      }
    }

    // The allowed GET goes out as plain HTTP, without Connection or Upgrade, and stays HTTP.
    String marker = Engine.uniqueName("c17");
    String filters = encode("{\"container\":[\"" + marker + "\"]}");
    try (RawHttp events = RawHttp.connect(proxy.address())) {
      events.send(
          "GET /v1.41/events?filters=" + filters + " HTTP/1.1\r\nHost: d\r\n" + upgrade + "\r\n");
      RawHttp.Head head = events.readHead(WAIT);
      assertThat(head.status()).as(head.toString()).isEqualTo(200);
      assertThat(head.isChunked()).as("a plain chunked stream: %s", head).isTrue();
      assertThat(head.field("upgrade")).isEmpty();

      engine.create(container(marker), "true");
      Chunk chunk = events.readChunk(WAIT);
      assertThat(chunk.kind()).isEqualTo(Chunk.Kind.DATA);
      assertThat(JSON.readTree(chunk.data()).path("Action").asText()).isEqualTo("create");
    }
    String forwarded = spy.headStartingWith("GET /v1.41/events?filters=" + filters);
    assertThat(forwarded).as("the events request as the engine got it").isNotEmpty();
    assertThat(forwarded.toLowerCase()).doesNotContain("upgrade").doesNotContain("connection:");
    assertThat(spy.requestLines())
        .noneMatch(l -> l.startsWith("POST ") && (l.contains("/exec") || l.contains("/attach")));

    // The CLI prints the proxy's message and fails.
    DockerCli.Result exec = DockerCli.through(proxy).run("exec", fixture, "id");
    assertThat(exec.exitCode()).as(exec.toString()).isNotZero();
    assertThat(exec.stderrLinesContaining("Error response from daemon: docker-filter refused"))
        .as(exec.toString())
        .hasSize(1);
  }

  // --- 5. Long-lived streams, timeouts and HTTP versions ---------------------------------------

  @Test
  void c18EventStreamOutlastsEveryTimeoutAndDeliversEventsAtOnce() throws IOException {
    String name = container("c18");
    String filters = encode("{\"container\":[\"" + name + "\"]}");
    try (RawHttp events = RawHttp.connect(proxy.address())) {
      events.send("GET /v1.41/events?filters=" + filters + " HTTP/1.1\r\nHost: d\r\n\r\n");
      RawHttp.Head head = events.readHead(WAIT);
      assertThat(head.status()).as(head.toString()).isEqualTo(200);
      assertThat(head.isChunked()).as("chunked framing is kept: %s", head).isTrue();

      assertThat(readOrTimeOut(events, SILENCE)).as("what arrived during the silence").isEmpty();

      engine.run(name, "true");
      List<String> actions = new ArrayList<>();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!actions.contains("die") && System.nanoTime() < deadline) {
        long sent = System.nanoTime();
        Chunk chunk = events.readChunk(Duration.ofSeconds(2));
        assertThat(chunk.kind()).as("after %s", actions).isEqualTo(Chunk.Kind.DATA);
        assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofSeconds(2));
        JsonNode event = JSON.readTree(chunk.data());
        assertThat(event.at("/Actor/Attributes/name").asText()).isEqualTo(name);
        actions.add(event.path("Action").asText());
      }
      assertThat(actions).as("events after the silence").contains("create", "start", "die");

      engine.remove(name);
      assertThat(JSON.readTree(events.readChunk(WAIT).data()).path("Action").asText())
          .isEqualTo("destroy");
      assertThat(readOrTimeOut(events, SILENCE))
          .as("the stream is still open after a second silence")
          .isEmpty();
    }
  }

  @Test
  void c19LogsFollowAndStatsStreamOutlastEveryTimeout() throws IOException {
    // The project's default policy allows logs and stats (its specification lists them), so the
    // case's "logs enabled" branch applies; "denied by default" does not.
    String quiet = container("c19");
    engine.run(quiet, "sh", "-c", "echo early; sleep " + SILENCE.toSeconds() + "; echo late");
    try (DockerCli.Running logs = DockerCli.through(proxy).start("logs", "-f", quiet)) {
      logs.awaitStdout("early", WAIT);
      DockerCli.Result result = logs.awaitExit(WAIT.multipliedBy(3));
      assertThat(result.exitCode()).as("%s%n%s", result, proxy.describe()).isZero();
      assertThat(result.stdout()).isEqualTo("early\nlate\n");
    }

    try (RawHttp stats = RawHttp.connect(proxy.address())) {
      stats.send(
          "GET /v1.41/containers/" + fixture + "/stats?stream=1 HTTP/1.1\r\nHost: d\r\n\r\n");
      RawHttp.Head head = stats.readHead(WAIT);
      assertThat(head.status()).as(head.toString()).isEqualTo(200);
      long deadline = System.nanoTime() + SILENCE.plusSeconds(2).toNanos();
      int objects = 0;
      StringBuilder pending = new StringBuilder();
      while (System.nanoTime() < deadline) {
        Chunk chunk = stats.readChunk(Duration.ofSeconds(3));
        assertThat(chunk.kind()).as("after %d objects", objects).isEqualTo(Chunk.Kind.DATA);
        pending.append(chunk.text());
        int newline;
        while ((newline = pending.indexOf("\n")) >= 0) {
          assertThat(JSON.readTree(pending.substring(0, newline)).path("name").asText())
              .isEqualTo("/" + fixture);
          pending.delete(0, newline + 1);
          objects++;
        }
      }
      assertThat(objects)
          .as("about one stats object per second across the silence")
          .isGreaterThanOrEqualTo((int) SILENCE.toSeconds());
    }
  }

  @Test
  void c20ShutdownClosesOpenStreamsWithinTheGraceAndExitsZero() throws IOException {
    Duration grace = Duration.ofSeconds(2);
    Duration margin = Duration.ofSeconds(3);
    try (ProxyProcess stopping = ProxyProcess.start(engine, "--shutdown-grace", "2s")) {
      try (RawHttp events = RawHttp.connect(stopping.address())) {
        events.send("GET /v1.41/events HTTP/1.1\r\nHost: d\r\n\r\n");
        assertThat(events.readHead(WAIT).status()).isEqualTo(200);

        long signalled = System.nanoTime();
        stopping.terminate();
        Poll.await(
            Duration.ofSeconds(1),
            () -> !RawHttp.accepts(stopping.address()),
            "the listener to close at once",
            stopping::describe);
        assertThat(events.readToEnd(grace.plus(margin))).isIn(Chunk.Kind.LAST, Chunk.Kind.CLOSED);
        assertThat(Duration.ofNanos(System.nanoTime() - signalled)).isLessThan(grace.plus(margin));
      }
      assertThat(stopping.awaitExit(grace.plus(margin))).as(stopping.describe()).isZero();
      assertThat(stopping.socket()).as("the socket file after a clean stop").doesNotExist();
    }
  }

  // --- 6. Client compatibility: error shape ----------------------------------------------------

  @Test
  void c24DenialIsDockerShapedJsonThatTheCliPrintsOnOneLine() throws IOException {
    DockerCli tcpCli = new DockerCli(tcpAddress);
    Engine.Snapshot before = engine.snapshot();

    DockerCli.Result run =
        tcpCli.run("run", "--rm", "--network", "none", Engine.TEST_IMAGE, "true");
    // 125 is the CLI's own exit code for "the daemon refused docker run"; other commands use 1.
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(125);
    assertOneDaemonErrorLine(run, "docker-filter refused POST /containers/create: ");

    DockerCli.Result exec = tcpCli.run("exec", fixture, "id");
    assertThat(exec.exitCode()).as(exec.toString()).isEqualTo(1);
    assertOneDaemonErrorLine(exec, "docker-filter refused POST /containers/" + fixture + "/exec: ");

    String victim = Engine.uniqueName("c24");
    RawHttp.Response delete =
        RawHttp.exchange(
            tcpAddress,
            "DELETE /v1.41/containers/" + victim + " HTTP/1.1\r\nHost: d\r\n\r\n",
            WAIT);
    assertDenied(delete, "DELETE /v1.41/containers/" + victim);
    assertThat(messageOf(delete)).startsWith("docker-filter refused DELETE /containers/" + victim);
    assertThat(engine.snapshot()).isEqualTo(before);

    // The log names the method, the canonical path, the decision, why, and the TCP client.
    List<Map<String, String>> lines = accessLines(victim);
    assertThat(lines).as(proxy.describe()).hasSize(1);
    Map<String, String> line = lines.get(0);
    assertThat(line)
        .containsEntry("method", "DELETE")
        .containsEntry("path", "/containers/" + victim)
        .containsEntry("decision", "deny")
        .containsEntry("status", "403");
    assertThat(line).containsKey("rule");
    assertThat(line.get("reason")).isNotBlank();
    assertThat(line.get("client")).matches("127\\.0\\.0\\.1:[0-9]+");
  }

  // --- 7. Deployment: listener, socket file, startup -------------------------------------------

  @Test
  void c25StaleSocketLeftByAKilledInstanceIsReplaced() throws IOException {
    ProxyProcess.Builder first = ProxyProcess.builder(engine);
    Path socket = first.dir().resolve("dsp/docker.sock");
    try (ProxyProcess killed = first.listen("unix://" + socket).start()) {
      killed.kill9();
      assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).as("left behind").isTrue();
      try (ProxyProcess next = ProxyProcess.builder(engine).listen("unix://" + socket).start()) {
        assertThat(next.answersPing()).as(next.describe()).isTrue();
      }
    }
  }

  @Test
  void c25LiveSocketOfAnotherInstanceStopsStartupAndIsLeftAlone() throws IOException {
    try (ProxyProcess live = ProxyProcess.start(engine)) {
      Object before = Files.getAttribute(live.socket(), "unix:ino", LinkOption.NOFOLLOW_LINKS);
      try (ProxyProcess second =
          ProxyProcess.builder(engine).listen("unix://" + live.socket()).launch()) {
        int exitCode = second.awaitExit(ProxyProcess.READY_TIMEOUT);
        assertThat(exitCode).as(second.describe()).isNotZero();
        assertThat(second.output()).as("a clear error").contains(live.socket().toString());
      }
      assertThat(Files.getAttribute(live.socket(), "unix:ino", LinkOption.NOFOLLOW_LINKS))
          .as("the live socket file is the same file")
          .isEqualTo(before);
      assertThat(live.answersPing()).isTrue();
    }
  }

  @Test
  void c25RegularFileAtTheSocketPathIsNeverDeleted() throws IOException {
    ProxyProcess.Builder builder = ProxyProcess.builder(engine);
    Path path = builder.dir().resolve("docker.sock");
    Files.writeString(path, "x\n");
    try (ProxyProcess proxyOnFile = builder.listen("unix://" + path).launch()) {
      int exitCode = proxyOnFile.awaitExit(ProxyProcess.READY_TIMEOUT);
      assertThat(exitCode).as(proxyOnFile.describe()).isNotZero();
      assertThat(proxyOnFile.output()).contains("not a socket");
      assertThat(path).isRegularFile().hasContent("x");
    }
  }

  @Test
  void c25SocketModeAndGroupAreExactWhateverTheUmaskFromTheFirstMoment() throws IOException {
    ProxyProcess.Builder builder =
        ProxyProcess.builder(engine)
            .umask("000")
            .options("--socket-mode", "0660", "--socket-group", "4242");
    Path socket = builder.dir().resolve("docker.sock");
    try (ProxyProcess secured = builder.launch()) {
      // The first time the path exists at all, it must already have its final mode and group.
      Poll.await(
          ProxyProcess.READY_TIMEOUT,
          () -> Files.exists(socket, LinkOption.NOFOLLOW_LINKS),
          "the socket file",
          secured::describe);
      String firstMode = PosixFilePermissions.toString(Files.getPosixFilePermissions(socket));
      Object firstGroup = Files.getAttribute(socket, "unix:gid", LinkOption.NOFOLLOW_LINKS);
      assertThat(firstMode).as("mode at first sight").isEqualTo("rw-rw----");
      assertThat(firstGroup).as("group at first sight").isEqualTo(4242);
      secured.awaitReady();

      assertThat(secured.stop()).isZero();
      assertThat(socket).as("removed on clean shutdown").doesNotExist();
    }
  }

  @Test
  void c26DefaultListenerStartsOnAHostWithoutIpv6() throws Exception {
    // A network namespace with IPv6 off and a private /run: the host's network and its
    // /var/run/docker-filter are never touched.
    try (Namespaced started = Namespaced.launch()) {
      started.awaitOutput("msg=ready");
      assertThat(started.output()).contains("unix:///var/run/docker-filter/docker.sock");
      assertThat(started.output()).doesNotContain("tcp://");
      assertThat(
              started.inside(
                  "curl",
                  "-sS",
                  "--unix-socket",
                  "/var/run/docker-filter/docker.sock",
                  "http://d/_ping"))
          .isEqualTo("OK");
    }
    try (Namespaced loopback = Namespaced.launch("--listen", "tcp://127.0.0.1:2375")) {
      loopback.awaitOutput("msg=ready");
      assertThat(loopback.inside("curl", "-sS", "http://127.0.0.1:2375/_ping")).isEqualTo("OK");
    }
  }

  @Test
  void c26ExplicitIpv6OnAHostWithoutIpv6FailsClearlyWithNoFallback() throws Exception {
    for (String listen : List.of("tcp://[::1]:2375", "tcp://[::]:2375")) {
      try (Namespaced failed = Namespaced.launch("--listen", listen)) {
        int exitCode = failed.awaitExit();
        assertThat(exitCode).as(failed.output()).isNotZero();
        assertThat(failed.output()).contains(listen).doesNotContain("msg=ready");
      }
    }
  }

  @Test
  void c26AllInterfacesListenerStartsWithAWarning() throws Exception {
    try (Namespaced all = Namespaced.launch("--listen", "tcp://0.0.0.0:2375")) {
      all.awaitOutput("msg=ready");
      assertThat(all.output().lines())
          .anyMatch(
              l -> l.contains("level=warn") && l.contains("network") && l.contains("0.0.0.0"));
      assertThat(all.inside("curl", "-sS", "http://127.0.0.1:2375/_ping")).isEqualTo("OK");
    }
  }

  // --- Conventions shared by every case --------------------------------------------------------

  @Test
  void casesConventionPrintfPipedToNetcatOrSocatGetsTheWholeAnswer() throws IOException {
    // The cases send each input with `printf … | nc -q 5` or `socat -`: the client half-closes
    // its side once the request is written, then reads. The engine answers such a client; so must
    // the proxy, for forwarded requests as for its own answers.
    for (String request :
        List.of(
            "GET /v1.41/containers/json HTTP/1.1\r\nHost: d\r\n\r\n",
            "GET /v1.41/info HTTP/1.1\r\nHost: d\r\n\r\n",
            "GET /_ping HTTP/1.1\r\nHost: d\r\n\r\nGET /v1.41/version HTTP/1.1\r\nHost: d\r\n\r\n",
            "DELETE /v1.41/containers/abc HTTP/1.1\r\nHost: d\r\n\r\n")) {
      String answer = halfClosedExchange(proxy.socket(), request);
      String direct = halfClosedExchange(engine.socket(), request);
      assertThat(statusLines(direct)).as("the engine's own answer to %s", request).isNotEmpty();
      assertThat(statusLines(answer))
          .as("the proxy's answer to a half-closed %s", request)
          .hasSameSizeAs(statusLines(direct))
          .allMatch(l -> l.startsWith("HTTP/1.1 200 ") || l.startsWith("HTTP/1.1 403 "));
    }
  }

  // --- helpers ---------------------------------------------------------------------------------

  private static RawHttp.Response send(String request) throws IOException {
    return RawHttp.exchange(proxy.address(), request, WAIT);
  }

  /**
   * A Docker-shaped 403 from the proxy. WHAT names the request; when it is a HEAD, the answer has
   * the same status and headers and no body.
   */
  private static void assertDenied(RawHttp.Response response, String what) {
    assertThat(response.status()).as("%s: %s", what, response).isEqualTo(403);
    assertThat(response.field("content-type")).as(what).hasValue("application/json");
    if (what.startsWith("HEAD ")) {
      assertThat(response.body()).as("a HEAD answer has no body: %s", what).isEmpty();
      return;
    }
    assertThat(messageOf(response)).as(what).startsWith("docker-filter refused ");
  }

  /**
   * Sends REQUEST on a fresh connection and expects STATUS with {@code Connection: close}, a JSON
   * message, and then the end of the connection with nothing more answered.
   */
  private static void assertRejected(String request, int status) throws IOException {
    String what = WireShown.of(request);
    try (RawHttp http = RawHttp.connect(proxy.address())) {
      http.send(request);
      RawHttp.Response response;
      try {
        response = http.readResponse(method(request), WAIT);
      } catch (IOException e) {
        throw new AssertionError("No whole answer to " + what + ": " + e + "\n" + tail(), e);
      }
      assertThat(response.status()).as("%s: %s%n%s", what, response, tail()).isEqualTo(status);
      assertThat(response.field("connection")).as(what).hasValue("close");
      assertThat(response.field("content-type")).as(what).hasValue("application/json");
      assertThat(messageOf(response)).as(what).isNotBlank();
      assertThat(nothingMoreThenClosed(http)).as("only one answer, then closed: %s", what).isTrue();
    }
  }

  /**
   * True when the connection ends without another byte; false if more arrives or it stays open. A
   * reset counts as an end: closing with unread request bytes resets a unix socket.
   */
  private static boolean nothingMoreThenClosed(RawHttp http) {
    try {
      http.readHead(WAIT);
      return false;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      String message = String.valueOf(e.getMessage());
      return message.startsWith("Connection closed") || message.contains("reset");
    }
  }

  private static String messageOf(RawHttp.Response response) {
    try {
      JsonNode body = JSON.readTree(response.body());
      assertThat(body.isObject()).as("a JSON object: %s", response).isTrue();
      assertThat(body.size()).as("only a message: %s", response).isEqualTo(1);
      return body.path("message").asText();
    } catch (IOException e) {
      throw new AssertionError("Not a JSON body: " + response, e);
    }
  }

  private static void assertOneDaemonErrorLine(DockerCli.Result result, String message) {
    List<String> lines = result.stderrLinesContaining("Error response from daemon:");
    assertThat(lines).as(result.toString()).hasSize(1);
    assertThat(lines.get(0)).as(result.toString()).contains(message);
    assertThat(result.stderr()).doesNotContainIgnoringCase("<html");
  }

  private static String method(String request) {
    return request.substring(0, request.indexOf(' '));
  }

  /** The access lines whose raw target contains MARKER, parsed. */
  private static List<Map<String, String>> accessLines(String marker) {
    Poll.until(
        Duration.ofSeconds(2),
        () -> proxy.outputLines().stream().anyMatch(l -> l.contains(marker)));
    return proxy.outputLines().stream()
        .filter(l -> l.contains("msg=access"))
        .map(AccessLogIT::parseLogfmt)
        .filter(l -> l.getOrDefault("target", "").contains(marker))
        .toList();
  }

  private static String tail() {
    List<String> lines = proxy.outputLines();
    return "last proxy lines:\n"
        + String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
  }

  private static Optional<Chunk> readOrTimeOut(RawHttp http, Duration timeout) throws IOException {
    try {
      return Optional.of(http.readChunk(timeout));
    } catch (SocketTimeoutException e) {
      return Optional.empty();
    }
  }

  /** Writes REQUEST, shuts down the sending side as {@code nc -q}/{@code socat} do, reads all. */
  private static String halfClosedExchange(Path socket, String request) throws IOException {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        Selector selector = Selector.open()) {
      channel.connect(UnixDomainSocketAddress.of(socket));
      ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1));
      while (out.hasRemaining()) {
        channel.write(out);
      }
      channel.shutdownOutput();
      channel.configureBlocking(false);
      channel.register(selector, SelectionKey.OP_READ);
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      ByteBuffer in = ByteBuffer.allocate(64 * 1024);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (System.nanoTime() < deadline) {
        selector.select(100);
        selector.selectedKeys().clear();
        int n;
        try {
          n = channel.read(in);
        } catch (IOException e) {
          break;
        }
        if (n < 0) {
          break;
        }
        answer.write(in.array(), 0, in.position());
        in.clear();
      }
      return answer.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private static List<String> statusLines(String answer) {
    return answer.lines().filter(l -> l.matches("HTTP/1\\.[01] [0-9]{3} .*")).toList();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private String container(String prefix) {
    String name = prefix.startsWith("it-") ? prefix : Engine.uniqueName(prefix);
    containers.add(name);
    return name;
  }

  /** Wire bytes shown in a failure message: controls escaped, long runs cut. */
  private static final class WireShown {
    private WireShown() {}

    static String of(String request) {
      String shown = request.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");
      return shown.length() > 160 ? shown.substring(0, 160) + "…(" + shown.length() + ")" : shown;
    }
  }

  /**
   * The real jar, started in a network namespace of its own with IPv6 disabled and a private {@code
   * /run}, as on a host without IPv6 (C26). Nothing outside the namespace changes.
   */
  private static final class Namespaced implements AutoCloseable {
    private final Process process;
    private final Path output;

    private Namespaced(Process process, Path output) {
      this.process = process;
      this.output = output;
    }

    static Namespaced launch(String... options) throws IOException {
      Path output = Files.createTempFile("df-netns-", ".log");
      List<String> command = new ArrayList<>();
      command.addAll(List.of("unshare", "--net", "--mount", "--propagation", "private"));
      command.addAll(
          List.of(
              "sh",
              "-c",
              "mount -t tmpfs tmpfs /run && ip link set lo up"
                  + " && sysctl -q -w net.ipv6.conf.all.disable_ipv6=1"
                  + " && exec \"$0\" \"$@\"",
              Project.java(),
              "-XX:+UseSerialGC",
              "-Xmx64m",
              "-jar",
              Project.jar().toString(),
              "--upstream",
              engine.uri()));
      command.addAll(List.of(options));
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      builder.environment().keySet().removeIf(n -> n.startsWith("DOCKER_"));
      return new Namespaced(builder.start(), output);
    }

    String output() {
      try {
        return Files.readString(output);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void awaitOutput(String text) {
      Poll.await(
          ProxyProcess.READY_TIMEOUT,
          () -> output().contains(text) || !process.isAlive(),
          "'" + text + "' from the namespaced proxy",
          this::output);
      assertThat(output()).as("the namespaced proxy's output").contains(text);
    }

    int awaitExit() throws InterruptedException {
      if (!process.waitFor(ProxyProcess.READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        fail("The namespaced proxy still runs:%n%s", output());
      }
      return process.exitValue();
    }

    /** Runs COMMAND in the proxy's network and mount namespaces; returns its stdout. */
    String inside(String... command) throws IOException, InterruptedException {
      List<String> full = new ArrayList<>();
      full.addAll(List.of("nsenter", "-t", Long.toString(process.pid()), "-n", "-m"));
      full.addAll(List.of(command));
      Process run = new ProcessBuilder(full).redirectErrorStream(true).start();
      if (!run.waitFor(10, TimeUnit.SECONDS)) {
        run.destroyForcibly();
        fail("%s did not finish", full);
      }
      return new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    @Override
    public void close() throws IOException {
      if (process.isAlive()) {
        process.destroy();
        try {
          if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      Files.deleteIfExists(output);
    }
  }
}
