package dev.dockerfilter.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The packaged jar's check-config and explain: their output and exit codes. */
class SubcommandsIT {

  @Test
  void checkConfigPrintsEveryRuleWithItsId() throws Exception {
    Run run = jar("check-config", "--preset", "exporter");

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output())
        .contains("configuration is valid (policies from preset exporter)")
        .contains("policy exporter (8 rules, first match wins, anything else denied)")
        .contains(
            "  allow GET,HEAD /containers/{container}/stats id=allow-container-stats -- resource"
                + " usage\n");
  }

  @Test
  void checkConfigRejectsABrokenFileWithExitCode2() throws Exception {
    Path config = Files.createTempFile("broken-", ".yaml");
    try {
      Files.writeString(config, "rules:\n  - allow GET /_ping if a=1 b=2 id=x\n");

      Run run = jar("check-config", "--config", config.toString());

      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.output())
          .isEqualTo(
              "docker-filter: invalid configuration: "
                  + config
                  + ":2:5: rules[0]: conditions must be joined by 'and' at column 25: 'b=2'"
                  + " (expected if a=1 and b=2)\n");
    } finally {
      Files.deleteIfExists(config);
    }
  }

  @Test
  void explainExitsWith0WhenAllowedAnd1WhenDenied() throws Exception {
    Run allowed = jar("explain", "GET", "/v1.41/containers/my_app/json");
    Run denied = jar("explain", "--preset", "traefik", "GET", "/v1.41/containers/my_app/logs");

    assertThat(allowed.exitCode()).as(allowed.output()).isZero();
    assertThat(allowed.output())
        .contains("path      /containers/my_app/json\n")
        .contains("id=allow-container-inspect")
        .contains("decision  allow (allowed-by-rule)\n");
    assertThat(denied.exitCode()).as(denied.output()).isEqualTo(1);
    assertThat(denied.output())
        .contains("policy    traefik\n")
        .contains("rule      (none)\n")
        .contains("decision  deny (no-rule-for-path)\n");
  }

  /**
   * {@code bin/docker-filter learn log > rules.yaml} must give a file check-config reads: the
   * launcher's JVM writes its own warnings to stderr, never into a command's standard output. Run
   * three times, as the launcher's class-data archive goes through its stages across starts.
   */
  @Test
  void theLauncherWritesOnlyTheCommandsOutputToStdout() throws Exception {
    String expected = jar("explain", "GET", "/v1.41/containers/json").output();
    for (int i = 0; i < 3; i++) {
      ProcessBuilder builder =
          new ProcessBuilder(
                  Project.root().resolve("bin/docker-filter").toString(),
                  "explain",
                  "GET",
                  "/v1.41/containers/json")
              .redirectError(ProcessBuilder.Redirect.DISCARD);
      builder.environment().keySet().removeIf(name -> name.startsWith("DOCKER_"));
      builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
      Process process = builder.start();
      String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(stdout).as("start %d", i).isEqualTo(expected).startsWith("request ");
    }
  }

  private record Run(int exitCode, String output) {}

  private static Run jar(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Project.java(), "-jar"));
    command.add(Project.jar().toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("DOCKER_"));
    Process process = builder.start();
    byte[] output = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }
}
