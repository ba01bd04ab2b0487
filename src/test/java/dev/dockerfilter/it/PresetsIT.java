package dev.dockerfilter.it;

import static dev.dockerfilter.it.Call.answered;
import static dev.dockerfilter.it.Call.refused;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each preset against the real engine, replaying the calls its client makes (docs/policy.md lists
 * them, read from each client's source) with raw HTTP, plus calls the client never makes: the first
 * get the engine's own answer, the others docker-filter's refusal.
 */
class PresetsIT {
  private static final int OK = 200;
  private static final int NO_CONTENT = 204;
  private static final int NOT_SWARM = 503;

  private static Engine engine;
  private static String fixture;
  private static String fixtureId;
  private static String imageId;

  @BeforeAll
  static void startFixture() {
    engine = Engine.fromEnvironment();
    fixture = Engine.uniqueName("presets");
    fixtureId = engine.run(fixture, "sh", "-c", "echo ready; while true; do sleep 1; done");
    imageId = engine.json("/v1.41/images/" + Engine.TEST_IMAGE + "/json").get("Id").asText();
  }

  @AfterAll
  static void removeFixture() {
    if (fixture != null) {
      engine.remove(fixture);
    }
  }

  @Test
  void traefikDiscoversContainersAndSwarmServices() throws IOException {
    // The Docker provider pins API 1.24; the swarm calls answer 503 on a non-swarm engine.
    replay(
        "traefik",
        answered("HEAD", "/_ping", OK),
        answered("GET", "/v1.24/version", OK),
        answered("GET", "/v1.24/containers/json?all=1", OK),
        answered("GET", "/v1.24/containers/" + fixtureId + "/json", OK),
        answered(
            "GET",
            "/v1.24/events?" + eventsWindow() + "&filters=" + filters("type", "container"),
            OK),
        answered("GET", "/v1.24/services", NOT_SWARM),
        answered("GET", "/v1.24/networks?filters=" + filters("scope", "swarm"), OK),
        answered("GET", "/v1.24/tasks?filters=" + filters("desired-state", "running"), NOT_SWARM),
        answered("GET", "/v1.24/nodes/24ifsmvkjbyhk", NOT_SWARM),
        refused("GET", "/v1.24/info"),
        refused("GET", "/v1.24/containers/" + fixture + "/logs?stdout=1"),
        refused("GET", "/v1.24/images/json"),
        refused("POST", "/v1.24/containers/" + fixture + "/stop"));
  }

  @Test
  void datadogReadsMetricsLogsProcessesAndImages() throws IOException {
    replay(
        "datadog",
        answered("HEAD", "/_ping", OK),
        answered("GET", "/v1.41/info", OK),
        answered("GET", "/v1.41/version", OK),
        answered("GET", "/v1.41/containers/json?size=1", OK),
        answered("GET", "/v1.41/containers/" + fixtureId + "/json?size=1", OK),
        answered("GET", "/v1.41/containers/" + fixtureId + "/stats?stream=0&one-shot=1", OK),
        answered("GET", "/v1.41/containers/" + fixtureId + "/logs?stdout=1&stderr=1&tail=5", OK),
        answered("GET", "/v1.41/containers/" + fixtureId + "/top", OK),
        answered("GET", "/v1.41/images/json", OK),
        answered("GET", "/v1.41/images/" + imageId + "/json", OK),
        answered("GET", "/v1.41/images/" + imageId + "/history", OK),
        answered("GET", "/v1.41/volumes?filters=" + filters("dangling", "true"), OK),
        answered("GET", "/v1.41/events?" + eventsWindow(), OK),
        refused("GET", "/v1.41/containers/" + fixtureId + "/stats?stream=1"),
        refused("GET", "/v1.41/containers/" + fixtureId + "/export"),
        refused("POST", "/v1.41/containers/" + fixtureId + "/exec"));
  }

  @Test
  void dashboardShowsStatusStatsLogsAndTheEngine() throws IOException {
    // Homepage goes through dockerode, which sends no version prefix; Portainer sends one.
    replay(
        "dashboard",
        answered("GET", "/containers/json?all=true", OK),
        answered("GET", "/containers/" + fixture + "/json", OK),
        answered("GET", "/containers/" + fixture + "/stats?stream=false", OK),
        answered(
            "GET",
            "/containers/" + fixture + "/logs?follow=false&stdout=true&stderr=true&tail=100",
            OK),
        answered("GET", "/tasks?filters=" + filters("desired-state", "running"), NOT_SWARM),
        answered("GET", "/v1.41/info", OK),
        answered("GET", "/v1.41/system/df", OK),
        answered("GET", "/v1.41/containers/" + fixtureId + "/top?ps_args=aux", OK),
        answered("GET", "/v1.41/images/json?all=0", OK),
        answered("GET", "/v1.41/networks", OK),
        answered("GET", "/v1.41/volumes", OK),
        refused("GET", "/containers/" + fixture + "/stats?stream=true"),
        refused("POST", "/containers/" + fixture + "/restart"),
        refused("GET", "/v1.41/containers/" + fixtureId + "/archive?path=%2Fetc"),
        refused("GET", "/v1.41/configs"));
    assertThat(engine.isRunning(fixture)).isTrue();
  }

  @Test
  void exporterReadsContainersStatsEngineAndEvents() throws IOException {
    replay(
        "exporter",
        answered("GET", "/_ping", OK),
        answered("GET", "/v1.41/version", OK),
        answered("GET", "/v1.41/info", OK),
        answered("GET", "/v1.41/containers/json", OK),
        answered("GET", "/v1.41/containers/" + fixtureId + "/json", OK),
        answered("GET", "/v1.41/containers/" + fixtureId + "/stats?stream=false", OK),
        answered("GET", "/v1.41/events?" + eventsWindow(), OK),
        refused("GET", "/v1.41/containers/" + fixtureId + "/logs?stdout=1"),
        refused("GET", "/v1.41/images/json"),
        refused("DELETE", "/v1.41/containers/" + fixtureId));
  }

  @Test
  void updaterRecreatesAContainerButNeverImportsRunsOrCopies() throws IOException {
    String old = Engine.uniqueName("updater-old");
    String oldId = engine.run(old, "sh", "-c", "while true; do sleep 1; done");
    String renamed = Engine.uniqueName("updater-renamed");
    try (ProxyProcess proxy = ProxyProcess.start(engine, "--preset", "updater")) {
      // Watchtower's scan: list, inspect the container and its image, try a pull.
      for (Call call :
          List.of(
              answered("HEAD", "/_ping", OK),
              answered("GET", "/v1.41/containers/json?filters=" + filters("status", "running"), OK),
              answered("GET", "/v1.41/containers/" + oldId + "/json", OK),
              answered("GET", "/v1.41/images/" + imageId + "/json", OK),
              // A pull is forwarded; this reference is invalid, so the engine refuses it before
              // contacting any registry (the test machine has none).
              answered("POST", "/v1.41/images/create?fromImage=Not_A_Valid_Ref&tag=latest", 400),
              refused("POST", "/v1.41/images/create?fromSrc=-&repo=evil%2Fimported"),
              refused("POST", "/v1.41/images/create?fromSrc=http%3A%2F%2F127.0.0.1%3A1%2Fx.tar"),
              // Recreate: stop with the stop signal, remove, create, move networks, start.
              answered("POST", "/v1.41/containers/" + oldId + "/kill?signal=SIGTERM", NO_CONTENT),
              answered("DELETE", "/v1.41/containers/" + oldId + "?force=1&v=0", NO_CONTENT))) {
        call.check(proxy);
      }
      RawHttp.Response created =
          answered(
                  "POST",
                  "/v1.41/containers/create?name=" + old,
                  "{\"Image\":\""
                      + Engine.TEST_IMAGE
                      + "\",\"Cmd\":[\"sleep\",\"60\"],"
                      + "\"HostConfig\":{\"NetworkMode\":\"none\"}}",
                  201)
              .check(proxy);
      String newId = new ObjectMapper().readTree(created.body()).get("Id").asText();
      for (Call call :
          List.of(
              // Watchtower moves the new container onto the old one's networks: here "none".
              answered(
                  "POST",
                  "/v1.41/networks/none/disconnect",
                  "{\"Container\":\"" + newId + "\",\"Force\":true}",
                  OK),
              answered(
                  "POST", "/v1.41/networks/none/connect", "{\"Container\":\"" + newId + "\"}", OK),
              answered("POST", "/v1.41/containers/" + newId + "/start", NO_CONTENT),
              answered(
                  "POST", "/v1.41/containers/" + newId + "/rename?name=" + renamed, NO_CONTENT),
              answered("DELETE", "/v1.41/images/it-no-such-image:old?force=1", 404),
              // Never: run commands, copy files, build, touch volumes, stream events.
              answered("GET", "/v1.41/containers/" + newId + "/json", OK),
              refused("POST", "/v1.41/containers/" + newId + "/exec"),
              refused("GET", "/v1.41/containers/" + newId + "/archive?path=%2Fetc"),
              refused("PUT", "/v1.41/containers/" + newId + "/archive?path=%2Ftmp"),
              refused("POST", "/v1.41/build"),
              refused("DELETE", "/v1.41/volumes/x"),
              refused("GET", "/v1.41/events"))) {
        call.check(proxy);
      }
      assertThat(engine.isRunning(renamed)).as("the recreated container runs").isTrue();
    } finally {
      engine.remove(old);
      engine.remove(renamed);
    }
  }

  private static void replay(String preset, Call... calls) throws IOException {
    try (ProxyProcess proxy = ProxyProcess.start(engine, "--preset", preset)) {
      for (Call call : calls) {
        call.check(proxy);
      }
    }
  }

  /** A window of events that has already ended, so the stream ends at once. */
  private static String eventsWindow() {
    long now = System.currentTimeMillis() / 1000;
    return "since=" + (now - 60) + "&until=" + now;
  }

  /** {"key":{"value":true}}, percent-encoded, the filters form of the Go client. */
  private static String filters(String key, String value) {
    JsonNode node =
        new ObjectMapper()
            .createObjectNode()
            .set(key, new ObjectMapper().createObjectNode().put(value, true));
    return URLEncoder.encode(node.toString(), StandardCharsets.UTF_8);
  }
}
