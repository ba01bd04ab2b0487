package dev.dockerfilter.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The deployment files, checked by the tools that read them: docker-compose for the compose
 * examples, the docker CLI's own stack parser for the Swarm stack, systemd-analyze for the unit.
 * (The Kubernetes manifest is checked against the API's types in KubernetesManifestTest.)
 */
class ManifestsIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @Test
  void composeExamplesValidate() throws Exception {
    for (String file :
        List.of("examples/compose.yaml", "examples/tecnativa-migration/compose.yaml")) {
      Run config = run("docker-compose", "--file", file, "config", "--quiet");
      assertThat(config.exitCode()).as("%s:%n%s", file, config.output()).isZero();
      assertThat(config.output()).as(file).isBlank();
    }
  }

  @Test
  void swarmStackValidates() throws Exception {
    Run config = run(dockerCli(), "stack", "config", "--compose-file", "deploy/swarm/stack.yaml");
    assertThat(config.exitCode()).as(config.output()).isZero();
    assertThat(config.output()).contains("mode: global").contains("read_only: true");
  }

  @Test
  void systemdUnitValidates() throws Exception {
    // verify checks that ExecStart can run: point it at this checkout's launcher, else unchanged.
    String unit =
        Files.readString(Project.root().resolve("deploy/systemd/docker-filter.service"))
            .replace(
                "/opt/docker-filter/bin/docker-filter",
                Project.root().resolve("bin/docker-filter").toString());
    Path dir = Files.createTempDirectory("systemd-unit-");
    Path copy = dir.resolve("docker-filter.service");
    try {
      Files.writeString(copy, unit);
      Run verify = run("systemd-analyze", "verify", copy.toString());
      assertThat(verify.exitCode()).as(verify.output()).isZero();
      assertThat(verify.output()).as("warnings about the unit").doesNotContain(copy.toString());
      assertThat(unit)
          .contains("NoNewPrivileges=yes")
          .contains("ProtectSystem=strict")
          .contains("User=docker-filter");
    } finally {
      Project.deleteTree(dir);
    }
  }

  private static String dockerCli() {
    return Files.isExecutable(Path.of("/usr/local/bin/docker"))
        ? "/usr/local/bin/docker"
        : "docker";
  }

  private static Run run(String... command) throws IOException, InterruptedException {
    Path output = Files.createTempFile("manifest-check-", ".log");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(Project.root().toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      builder.environment().keySet().removeIf(n -> n.startsWith("DOCKER_"));
      Process process = builder.start();
      if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
      }
      return new Run(process.exitValue(), Files.readString(output));
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private record Run(int exitCode, String output) {}
}
