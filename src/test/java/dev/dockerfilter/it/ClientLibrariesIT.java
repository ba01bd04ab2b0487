package dev.dockerfilter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real Docker client libraries, each with its own way of negotiating and framing (see CLIENTS.md),
 * read through the default policy and get a clear refusal for a write.
 */
class ClientLibrariesIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Engine engine;
  private static ProxyProcess proxy;
  private static String fixture;
  private static Engine.Snapshot before;

  @BeforeAll
  static void startFixtureAndProxy() throws IOException {
    engine = Engine.fromEnvironment();
    fixture = Engine.uniqueName("libs");
    String id =
        engine.create(
            fixture,
            List.of("DB_PASSWORD=hunter2"),
            "sh",
            "-c",
            "echo lib-out; echo lib-err >&2; while true; do sleep 1; done");
    engine.start(id);
    proxy = ProxyProcess.start(engine);
    before = engine.snapshot();
  }

  @AfterAll
  static void stopProxyAndRemoveFixture() throws IOException {
    if (proxy != null) {
      proxy.close();
    }
    if (fixture != null) {
      engine.remove(fixture);
    }
  }

  @Test
  void dockerPyReadsAndIsRefusedACreate() throws Exception {
    checkDockerPy(proxy);
  }

  @Test
  void dockerPyThroughTheDatadogPreset() throws Exception {
    // Datadog's agent read Docker through docker-py in its Python checks.
    try (ProxyProcess datadog =
        ProxyProcess.builder(engine).options("--preset", "datadog").start()) {
      checkDockerPy(datadog);
      assertThat(datadog.output()).contains("source=\"preset datadog\"");
    }
  }

  @Test
  void dockerodeThroughTheDashboardPreset() throws Exception {
    // Homepage, a dashboard the preset is made for, reads Docker through dockerode.
    try (ProxyProcess dashboard =
        ProxyProcess.builder(engine).options("--preset", "dashboard").start()) {
      checkDockerode(dashboard);
      assertThat(dashboard.output()).contains("source=\"preset dashboard\"");
    }
  }

  @Test
  void dockerPyThroughARedactingListenerSeesNoSecretAndNoLogs() throws Exception {
    try (ProxyProcess redacting = ProxyProcess.builder(engine).options("--redact").start()) {
      JsonNode out = dockerPy(redacting);

      assertThat(out.get("state").asText()).isEqualTo("running");
      assertThat(out.get("env").toString()).contains("\"DB_PASSWORD=<redacted>\"");
      assertThat(out.toString()).doesNotContain("hunter2");
      assertThat(out.get("logs").get("status").asInt()).isEqualTo(403);
      assertThat(out.get("logs").get("message").asText())
          .contains("docker-filter refused GET /containers/");
    }
  }

  private static JsonNode dockerPy(ProxyProcess through) throws Exception {
    return runScript(
        through,
        List.of("/usr/bin/python3", script("python/read_only.py").toString()),
        through.socket().toString(),
        fixture);
  }

  private static void checkDockerPy(ProxyProcess through) throws Exception {
    JsonNode out = dockerPy(through);
    assertThat(out.get("api_version").asText()).isEqualTo("1.41");
    assertThat(out.get("env").toString()).contains("DB_PASSWORD=hunter2");
    assertThat(out.get("names").toString()).contains(fixture);
    assertThat(out.get("state").asText()).isEqualTo("running");
    assertThat(out.get("logs").asText()).contains("lib-out").contains("lib-err");
    assertThat(out.get("events").toString()).contains("start");
    assertRefused(out.get("create"));
    assertThat(engine.snapshot()).isEqualTo(before);
  }

  @Test
  void dockerodeReadsAndIsRefusedACreate() throws Exception {
    checkDockerode(proxy);
  }

  private static void checkDockerode(ProxyProcess through) throws Exception {
    JsonNode out =
        runScript(
            through,
            List.of("node", script("node/read-only.js").toString()),
            through.socket().toString(),
            fixture);
    assertThat(out.get("ping").asText()).isEqualTo("OK");
    assertThat(out.get("names").toString()).contains("/" + fixture);
    assertThat(out.get("state").asText()).isEqualTo("running");
    assertThat(out.get("logs").asText()).contains("lib-out").contains("lib-err");
    assertThat(out.get("events").asText()).contains("\"start\"");
    assertRefused(out.get("create"));
    assertThat(engine.snapshot()).isEqualTo(before);
  }

  @Test
  void dockerJavaReadsAndIsRefusedACreate() throws Exception {
    DefaultDockerClientConfig config =
        DefaultDockerClientConfig.createDefaultConfigBuilder()
            .withDockerHost("unix://" + proxy.socket())
            .build();
    ZerodepDockerHttpClient http =
        new ZerodepDockerHttpClient.Builder().dockerHost(config.getDockerHost()).build();
    try (DockerClient docker = DockerClientImpl.getInstance(config, http)) {
      docker.pingCmd().exec();
      List<Container> containers = docker.listContainersCmd().withShowAll(true).exec();
      assertThat(containers).anyMatch(c -> List.of(c.getNames()).contains("/" + fixture));
      assertThat(docker.inspectContainerCmd(fixture).exec().getState().getStatus())
          .isEqualTo("running");
      List<String> frames = new ArrayList<>();
      docker
          .logContainerCmd(fixture)
          .withStdOut(true)
          .withStdErr(true)
          .withTail(10)
          .exec(
              new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                  frames.add(frame.getStreamType() + ":" + new String(frame.getPayload()).trim());
                }
              })
          .awaitCompletion(30, TimeUnit.SECONDS);
      assertThat(frames).contains("STDOUT:lib-out", "STDERR:lib-err");
      assertThatThrownBy(
              () -> docker.createContainerCmd("localtest/busybox").withCmd("true").exec())
          .isInstanceOf(DockerException.class)
          .hasMessageContaining("Status 403")
          .hasMessageContaining("docker-filter refused POST /containers/create");
    }
    assertThat(engine.snapshot()).isEqualTo(before);
  }

  private static void assertRefused(JsonNode create) {
    assertThat(create.isObject()).as("create should have failed: %s", create).isTrue();
    assertThat(create.get("status").asInt()).isEqualTo(403);
    assertThat(create.get("message").asText())
        .startsWith("docker-filter refused POST /containers/create");
  }

  private static Path script(String name) {
    return Project.root().resolve("src/test/clients").resolve(name);
  }

  private static JsonNode runScript(ProxyProcess through, List<String> command, String... args)
      throws Exception {
    List<String> full = new ArrayList<>(command);
    full.addAll(List.of(args));
    Process process = new ProcessBuilder(full).redirectErrorStream(false).start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("client script did not finish in 60 s: " + full);
    }
    String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue())
        .as("%s failed:%n%s%n%s%nproxy:%n%s", full, stdout, stderr, through.describe())
        .isZero();
    return JSON.readTree(stdout);
  }
}
