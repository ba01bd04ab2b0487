package dev.dockerfilter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * With the default policy, every docker command that writes, runs code or copies data out is
 * refused: the CLI fails with our message, and the engine holds exactly what it held before.
 */
class DeniedWritesIT {
  /** Stands for the fixture container's name in the command table. */
  private static final String FIXTURE = "{fixture}";

  /** A refusal is immediate; a CLI still running after this was let through. */
  private static final Duration CLI_TIMEOUT = Duration.ofSeconds(20);

  private static Engine engine;
  private static ProxyProcess proxy;
  private static String fixture;

  @BeforeAll
  static void startFixtureAndProxy() throws IOException {
    engine = Engine.fromEnvironment();
    fixture = Engine.uniqueName("denied");
    engine.run(fixture, "sh", "-c", "while true; do sleep 1; done");
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

  /** The command, then the method and path (after the optional version) it is refused at. */
  static Stream<Arguments> writes() {
    String image = Engine.TEST_IMAGE;
    return Stream.of(
        arguments(
            List.of("run", "--rm", "--network", "none", image, "true"),
            "POST",
            "/containers/create"),
        arguments(List.of("rm", FIXTURE), "DELETE", "/containers/" + FIXTURE),
        arguments(List.of("exec", FIXTURE, "true"), "POST", "/containers/" + FIXTURE + "/exec"),
        arguments(
            List.of("cp", FIXTURE + ":/etc/passwd", "-"),
            "GET",
            "/containers/" + FIXTURE + "/archive"),
        arguments(List.of("export", FIXTURE), "GET", "/containers/" + FIXTURE + "/export"),
        arguments(List.of("save", image), "GET", "/images/get"),
        arguments(
            List.of("create", "--network", "none", image, "true"), "POST", "/containers/create"),
        arguments(List.of("kill", FIXTURE), "POST", "/containers/" + FIXTURE + "/kill"));
  }

  @ParameterizedTest(name = "docker {0}")
  @MethodSource("writes")
  void isRefusedAndChangesNothing(List<String> command, String method, String path) {
    String[] args = command.stream().map(a -> a.replace(FIXTURE, fixture)).toArray(String[]::new);
    Engine.Snapshot before = engine.snapshot();

    DockerCli.Result result = DockerCli.through(proxy).run(CLI_TIMEOUT, args);

    assertThat(result.exitCode()).as(result.toString()).isNotZero();
    List<String> errorLines = result.stderrLinesContaining("Error response from daemon:");
    assertThat(errorLines).as("the daemon-error lines of %s", result).hasSize(1);
    // Our message names the method and the path it refused; the CLI prints it on one line.
    Pattern refusal =
        Pattern.compile(
            "docker-filter refused "
                + method
                + " (/v[0-9]+\\.[0-9]+)?"
                + Pattern.quote(path.replace(FIXTURE, fixture))
                + "\\b.*");
    assertThat(errorLines.get(0)).as(result.toString()).containsPattern(refusal);

    assertThat(engine.snapshot()).as("what the engine holds").isEqualTo(before);
    assertThat(engine.isRunning(fixture)).as("the fixture still runs").isTrue();
  }
}
