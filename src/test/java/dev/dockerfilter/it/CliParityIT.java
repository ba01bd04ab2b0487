package dev.dockerfilter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * With the default policy, the docker CLI prints through the proxy exactly what it prints straight
 * from the engine, for every read command a monitoring user runs.
 */
class CliParityIT {
  /** Stands for the fixture container's name in the command tables. */
  private static final String FIXTURE = "{fixture}";

  private static Engine engine;
  private static ProxyProcess proxy;
  private static String fixture;

  @BeforeAll
  static void startFixtureAndProxy() throws IOException {
    engine = Engine.fromEnvironment();
    fixture = Engine.uniqueName("parity");
    engine.run(
        fixture, "sh", "-c", "echo parity-out; echo parity-err >&2; while true; do sleep 1; done");
    proxy = ProxyProcess.start(engine);
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

  static Stream<Arguments> readCommands() {
    return Stream.of(
        arguments(List.of("version", "--format", "{{.Server.Version}}")),
        arguments(List.of("info", "--format", "{{.ServerVersion}} {{.Containers}}")),
        arguments(List.of("ps", "-a")),
        arguments(List.of("inspect", FIXTURE)),
        arguments(List.of("images")),
        arguments(List.of("network", "ls")),
        arguments(List.of("volume", "ls")),
        arguments(List.of("system", "df")),
        arguments(List.of("logs", FIXTURE)),
        arguments(List.of("stats", "--no-stream", "--format", "{{.Name}}", FIXTURE)),
        arguments(List.of("image", "inspect", "localtest/busybox")),
        arguments(List.of("image", "history", "localtest/busybox")),
        arguments(List.of("top", FIXTURE)));
  }

  @ParameterizedTest(name = "docker {0}")
  @MethodSource("readCommands")
  void printsWhatTheEngineItselfPrints(List<String> command) {
    String[] args = command.stream().map(a -> a.replace(FIXTURE, fixture)).toArray(String[]::new);
    DockerCli direct = DockerCli.direct(engine);

    DockerCli.Result before = direct.run(args);
    DockerCli.Result viaProxy = DockerCli.through(proxy).run(args);
    // Some columns are relative times ("Up 3 seconds"): a second direct run brackets the proxied
    // one, so the proxied output must equal the engine's from just before or just after it.
    DockerCli.Result after = direct.run(args);

    assertThat(before.exitCode()).as("straight from the engine: %s", before).isZero();
    assertThat(viaProxy.exitCode())
        .as("through the proxy: %s%n%s", viaProxy, proxy.describe())
        .isZero();
    assertThat(viaProxy.stdout())
        .as("stdout through the proxy, against the engine's before and after it")
        .isIn(before.stdout(), after.stdout());
    assertThat(viaProxy.stderr())
        .as("stderr through the proxy, against the engine's before and after it")
        .isIn(before.stderr(), after.stderr());
  }
}
