package dev.dockerfilter.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The container image, built by {@code docker/build-image} on the test engine (or the image named
 * by {@value #IMAGE_ENV}, so that a release tests the very image it publishes), run on that engine
 * the way the docs say: not root, read-only root filesystem, no network, the engine's socket
 * mounted read-only, the safe socket in a directory shared with the host. The host's docker CLI
 * then works through the safe socket, and the image's HEALTHCHECK turns healthy.
 */
class ImageIT {
  static final String IMAGE_ENV = "DOCKER_FILTER_TEST_IMAGE";

  /** The image's user and group, as docker/build-image writes them. */
  private static final int IMAGE_UID = 65532;

  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private static Engine engine;
  private static String image;
  private static boolean builtHere;

  @BeforeAll
  static void buildImage() throws Exception {
    engine = Engine.fromEnvironment();
    String given = System.getenv(IMAGE_ENV);
    if (given != null && !given.isBlank()) {
      image = given;
      return;
    }
    image = "docker-filter:" + Engine.uniqueName("image");
    builtHere = true;
    runBuild(image);
  }

  @AfterAll
  static void removeImage() {
    if (builtHere && image != null) {
      DockerCli.direct(engine).run("rmi", "--force", image);
    }
  }

  @Test
  void servesTheDockerCliThroughItsSafeSocketAndTurnsHealthy() throws IOException {
    DockerCli host = DockerCli.direct(engine);
    Path safeDir = Files.createTempDirectory(Path.of("/tmp"), "df-image-");
    String name = Engine.uniqueName("image");
    try {
      Files.setAttribute(safeDir, "unix:uid", IMAGE_UID);
      Files.setAttribute(safeDir, "unix:gid", IMAGE_UID);
      int engineGid = (Integer) Files.getAttribute(engine.socket(), "unix:gid");

      DockerCli.Result started =
          host.run(
              "run",
              "--detach",
              "--name",
              name,
              "--network",
              "none",
              "--read-only",
              "--user",
              IMAGE_UID + ":" + IMAGE_UID,
              "--group-add",
              Integer.toString(engineGid),
              "--volume",
              engine.socket() + ":/var/run/docker.sock:ro",
              "--volume",
              safeDir + ":/var/run/docker-filter",
              "--health-interval",
              "1s",
              image);
      assertThat(started.exitCode()).as(started.toString()).isZero();

      DockerCli safe = new DockerCli("unix://" + safeDir.resolve("docker.sock"));
      DockerCli.Result[] ps = new DockerCli.Result[1];
      Poll.await(
          START_TIMEOUT,
          () -> (ps[0] = safe.run("ps", "--all")).exitCode() == 0,
          "docker ps through the image's safe socket",
          () -> ps[0] + "\ncontainer log:\n" + logs(host, name));
      assertThat(ps[0].stdout()).as("the filter lists itself").contains(name);

      DockerCli.Result run = safe.run("run", "--rm", Engine.TEST_IMAGE, "true");
      assertThat(run.exitCode()).as(run.toString()).isNotZero();
      assertThat(run.stderr()).contains("docker-filter refused POST");

      String[] health = {""};
      Poll.await(
          START_TIMEOUT,
          () -> (health[0] = inspect(host, name, "{{.State.Health.Status}}")).equals("healthy"),
          "the HEALTHCHECK to report healthy",
          () -> health[0] + "\n" + inspect(host, name, "{{json .State.Health}}"));

      String log = logs(host, name);
      assertThat(log)
          .as("the epoll transport loads from a read-only image")
          .contains("transport=epoll");
      assertThat(log).contains("client=\"uid=0,");
      assertThat(inspect(host, name, "{{.Config.User}}")).isEqualTo(IMAGE_UID + ":" + IMAGE_UID);
    } finally {
      host.run("rm", "--force", name);
      Project.deleteTree(safeDir);
    }
  }

  @Test
  void holdsNoShell() {
    DockerCli.Result shell =
        DockerCli.direct(engine)
            .run("run", "--rm", "--network", "none", "--entrypoint", "/bin/sh", image, "-c", "id");
    assertThat(shell.exitCode()).as(shell.toString()).isNotZero();
  }

  private static String inspect(DockerCli host, String name, String format) {
    return host.run("inspect", "--format", format, name).stdout().trim();
  }

  private static String logs(DockerCli host, String name) {
    DockerCli.Result logs = host.run("logs", name);
    return logs.stdout() + logs.stderr();
  }

  private static void runBuild(String tag) throws IOException, InterruptedException {
    Path output = Files.createTempFile("build-image-", ".log");
    try {
      List<String> command = new ArrayList<>();
      command.add(Project.root().resolve("docker/build-image").toString());
      command.addAll(List.of("--jar", Project.jar().toString(), "--tag", tag));
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      builder.environment().keySet().removeIf(n -> n.startsWith("DOCKER_"));
      builder.environment().put("DOCKER_HOST", engine.uri());
      Process process = builder.start();
      boolean exited = process.waitFor(BUILD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (!exited) {
        process.destroyForcibly().waitFor();
      }
      String log = Files.readString(output);
      assertThat(exited).as("docker/build-image within %s:%n%s", BUILD_TIMEOUT, log).isTrue();
      assertThat(process.exitValue()).as("docker/build-image:%n%s", log).isZero();
    } finally {
      Files.deleteIfExists(output);
    }
  }
}
