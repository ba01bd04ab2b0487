package dev.dockerfilter.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The proxy started with Tecnativa's environment variables instead of its own options, driven by
 * the real docker CLI, behaves as the migration table in docs/policy.md says.
 */
class TecnativaEnvIT {
  private static final Duration CLI_TIMEOUT = Duration.ofSeconds(20);

  private static Engine engine;
  private static String running;

  @BeforeAll
  static void startFixture() {
    engine = Engine.fromEnvironment();
    running = Engine.uniqueName("tecnativa");
    engine.run(running, "sh", "-c", "while true; do sleep 1; done");
  }

  @AfterAll
  static void removeFixture() {
    if (running != null) {
      engine.remove(running);
    }
  }

  @Test
  void containersWithoutPostListsButNeitherCopiesNorExportsNorStarts() throws IOException {
    try (ProxyProcess proxy =
        ProxyProcess.builder(engine)
            .environment("CONTAINERS", "1")
            .environment("POST", "0")
            .start()) {
      DockerCli cli = DockerCli.through(proxy);

      DockerCli.Result ps = cli.run(CLI_TIMEOUT, "ps", "--format", "{{.Names}}");
      assertThat(ps.exitCode()).as("%s%n%s", ps, proxy.describe()).isZero();
      assertThat(ps.stdout()).contains(running);

      assertRefused(cli.run(CLI_TIMEOUT, "cp", running + ":/etc/passwd", "-"), "GET", "archive");
      assertRefused(cli.run(CLI_TIMEOUT, "export", running), "GET", "export");
      assertRefused(cli.run(CLI_TIMEOUT, "stop", running), "POST", "stop");
      assertThat(engine.isRunning(running)).isTrue();
      proxy.awaitOutput(
          "source=\"Tecnativa variables (CONTAINERS=1 POST=0)\"",
          "rule=env-no-archive",
          "rule=env-no-export");
    }
  }

  @Test
  void allowStartStartsAContainerWithoutPost() throws IOException {
    String stopped = Engine.uniqueName("tecnativa-start");
    engine.create(stopped, "sh", "-c", "while true; do sleep 1; done");
    try (ProxyProcess proxy =
        ProxyProcess.builder(engine).environment("ALLOW_START", "1").start()) {
      DockerCli cli = DockerCli.through(proxy);

      DockerCli.Result start = cli.run(CLI_TIMEOUT, "start", stopped);

      assertThat(start.exitCode()).as("%s%n%s", start, proxy.describe()).isZero();
      assertThat(engine.isRunning(stopped)).as("started through the proxy").isTrue();
      assertRefused(cli.run(CLI_TIMEOUT, "stop", stopped), "POST", "stop");
      assertRefused(cli.run(CLI_TIMEOUT, "ps"), "GET", "json");
    } finally {
      engine.remove(stopped);
    }
  }

  private static void assertRefused(DockerCli.Result result, String method, String endpoint) {
    assertThat(result.exitCode()).as(result.toString()).isNotZero();
    List<String> errors = result.stderrLinesContaining("docker-filter refused " + method + " ");
    assertThat(errors).as(result.toString()).hasSize(1);
    assertThat(errors.get(0)).as(result.toString()).contains(endpoint);
  }
}
