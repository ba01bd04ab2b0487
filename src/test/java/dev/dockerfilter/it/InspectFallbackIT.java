package dev.dockerfilter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code docker inspect NAME} without {@code --type}: the CLI asks container inspect first and
 * tries the image only after the engine's 404, so an image reference ({@code
 * localtest/busybox:latest}, {@code sha256:…}) must reach the engine's container inspect through
 * the default policy. A legacy link alias ({@code web/db}) reaches a container that way, so a
 * redacting listener must rewrite that answer too.
 */
class InspectFallbackIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "hunter2-inspect-fallback";

  private static final List<String> containers = new ArrayList<>();
  private static final List<String> images = new ArrayList<>();

  private static Engine engine;
  private static ProxyProcess proxy;
  private static String imageId;
  private static String plainTag;

  @BeforeAll
  static void startProxy() throws IOException {
    engine = Engine.fromEnvironment();
    imageId = engine.json("/v1.41/images/" + Engine.TEST_IMAGE + "/json").get("Id").asText();
    plainTag = Engine.uniqueName("inspect") + ":v1";
    tag(Engine.TEST_IMAGE, plainTag);
    proxy = ProxyProcess.start(engine);
  }

  @AfterAll
  static void cleanUp() throws IOException {
    if (proxy != null) {
      proxy.close();
    }
    // Newest first: a container with a link goes before the container it links to.
    for (int i = containers.size() - 1; i >= 0; i--) {
      engine.remove(containers.get(i));
    }
    for (String image : images) {
      engine.request("DELETE", "/v1.41/images/" + image + "?force=1", null);
    }
  }

  static Stream<Arguments> imageNames() {
    String shortId = imageId.substring("sha256:".length(), "sha256:".length() + 12);
    return Stream.of(
        arguments(Engine.TEST_IMAGE, "allow-container-inspect-ref"),
        arguments("localtest/busybox", "allow-container-inspect-ref"),
        arguments(plainTag, "allow-container-inspect-ref"),
        arguments(imageId, "allow-container-inspect-ref"),
        arguments(shortId, "allow-container-inspect"));
  }

  @ParameterizedTest(name = "docker inspect {0}")
  @MethodSource("imageNames")
  void findsTheImageAfterTheEnginesContainerNotFound(String name, String rule) {
    DockerCli.Result direct = DockerCli.direct(engine).run("inspect", name);
    DockerCli.Result viaProxy = DockerCli.through(proxy).run("inspect", name);

    assertThat(direct.exitCode()).as("straight from the engine: %s", direct).isZero();
    assertThat(viaProxy.exitCode()).as("%s%n%s", viaProxy, proxy.describe()).isZero();
    assertThat(viaProxy.stdout()).isEqualTo(direct.stdout()).contains(imageId);
    assertThat(viaProxy.stderr()).isEmpty();
    // The container question reached the engine and got its 404; then the image answered.
    String container = "path=/containers/" + name + "/json decision=allow rule=" + rule + " ";
    String image = "path=/images/" + name + "/json decision=allow rule=allow-image-inspect ";
    Poll.await(
        WAIT,
        () -> hasLine(container, "status=404") && hasLine(image, "status=200"),
        "access lines of the container 404 and the image 200",
        proxy::describe);
  }

  private static boolean hasLine(String... texts) {
    return proxy.outputLines().stream()
        .anyMatch(line -> List.of(texts).stream().allMatch(line::contains));
  }

  @Test
  void redactsAnImageFoundThroughTheFallback() throws IOException {
    String source = Engine.uniqueName("inspect-env");
    containers.add(engine.create(source, List.of("DB_PASSWORD=" + SECRET), "true"));
    String image = Engine.uniqueName("inspect") + "/env:v1";
    commit(source, image);
    assertThat(engine.json("/v1.41/images/" + image + "/json").path("Config").toString())
        .as("the committed image keeps the container's environment")
        .contains(SECRET);

    try (ProxyProcess redacting = ProxyProcess.start(engine, "--redact", "env")) {
      DockerCli.Result shown =
          DockerCli.through(redacting).run("inspect", image, "--format", "{{json .Config.Env}}");

      assertThat(shown.exitCode()).as("%s%n%s", shown, redacting.describe()).isZero();
      assertThat(shown.stdout()).contains("DB_PASSWORD=<redacted>").doesNotContain(SECRET);
    }
  }

  @Test
  void redactsAContainerReachedThroughALegacyLinkAlias() throws IOException {
    String db = Engine.uniqueName("inspect-db");
    containers.add(engine.create(db, List.of("DB_PASSWORD=" + SECRET), "sleep", "600"));
    engine.start(db);
    String web = Engine.uniqueName("inspect-web");
    containers.add(createLinked(web, db + ":db"));
    // The engine resolves "web/db" to the linked container, on its container inspect route.
    String aliasTarget = "/v1.41/containers/" + web + "/db/json";
    assertThat(engine.json(aliasTarget).path("Name").asText()).isEqualTo("/" + db);

    try (ProxyProcess redacting = ProxyProcess.start(engine, "--redact", "env")) {
      RawHttp.Response answer =
          RawHttp.exchange(redacting.address(), RawHttp.request("GET", aliasTarget, null), WAIT);
      DockerCli.Result shown =
          DockerCli.through(redacting)
              .run("inspect", web + "/db", "--format", "{{json .Config.Env}}");

      assertThat(answer.status()).as("%s%n%s", answer, redacting.describe()).isEqualTo(200);
      assertThat(answer.bodyText()).contains("DB_PASSWORD=<redacted>").doesNotContain(SECRET);
      assertThat(shown.exitCode()).as(shown.toString()).isZero();
      assertThat(shown.stdout()).contains("DB_PASSWORD=<redacted>").doesNotContain(SECRET);
    }
  }

  private static void tag(String image, String reference) throws IOException {
    int colon = reference.lastIndexOf(':');
    String target =
        "/v1.41/images/"
            + image
            + "/tag?repo="
            + encode(reference.substring(0, colon))
            + "&tag="
            + encode(reference.substring(colon + 1));
    RawHttp.Response response = engine.request("POST", target, null);
    assertThat(response.status()).as("tagging %s: %s", reference, response).isEqualTo(201);
    images.add(reference);
  }

  private static void commit(String container, String reference) throws IOException {
    int colon = reference.lastIndexOf(':');
    String target =
        "/v1.41/commit?container="
            + encode(container)
            + "&repo="
            + encode(reference.substring(0, colon))
            + "&tag="
            + encode(reference.substring(colon + 1));
    RawHttp.Response response = engine.request("POST", target, "{}");
    assertThat(response.status()).as("committing %s: %s", reference, response).isEqualTo(201);
    images.add(reference);
  }

  /** A container of the test image with a legacy link, which registers the name NAME/ALIAS. */
  private static String createLinked(String name, String link) throws IOException {
    String body =
        JSON.createObjectNode()
            .put("Image", Engine.TEST_IMAGE)
            .set(
                "HostConfig", JSON.createObjectNode().set("Links", JSON.valueToTree(List.of(link))))
            .toString();
    RawHttp.Response response =
        engine.request("POST", "/v1.41/containers/create?name=" + encode(name), body);
    assertThat(response.status()).as("creating %s: %s", name, response).isEqualTo(201);
    JsonNode created = JSON.readTree(response.body());
    return created.get("Id").asText();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
