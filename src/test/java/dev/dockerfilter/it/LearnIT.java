package dev.dockerfilter.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Records a session of docker commands through the proxy, learns rules from its log with {@code
 * docker-filter learn}, and runs the same session through a proxy that uses only those rules:
 * everything the session did works, and what it did not do is refused.
 */
class LearnIT {
  private static final Duration CLI_TIMEOUT = Duration.ofSeconds(20);

  private static final List<List<String>> SESSION =
      List.of(
          List.of("ps", "-a"),
          List.of("inspect", "{fixture}"),
          List.of("logs", "{fixture}"),
          List.of("top", "{fixture}"),
          List.of("images"),
          // Denied by the read-only default while recording, so learned as something to allow.
          List.of("cp", "{fixture}:/etc/hostname", "-"));

  @Test
  void learnedRulesAllowTheRecordedSessionAndNothingElse() throws Exception {
    Engine engine = Engine.fromEnvironment();
    String fixture = Engine.uniqueName("learn");
    engine.run(fixture, "sh", "-c", "echo learn-me; while true; do sleep 1; done");
    try {
      Path log;
      try (ProxyProcess recorder = ProxyProcess.start(engine)) {
        for (List<String> command : SESSION) {
          DockerCli.through(recorder).run(CLI_TIMEOUT, args(command, fixture));
        }
        // Stopped first: access lines are written in batches, and learn reads a finished log.
        assertThat(recorder.stop()).isZero();
        log = Files.writeString(Files.createTempFile("learn-", ".log"), recorder.output());
      }
      Path learned = Files.createTempFile("learned-", ".yaml");

      Process learn = learn(log, learned);

      assertThat(learn.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(learn.exitValue()).as(Files.readString(learned)).isZero();
      assertThat(Files.readString(learned)).contains("id=containers-container-archive");
      ProxyProcess.Builder builder =
          ProxyProcess.builder(engine).options("--config", learned.toString());
      try (ProxyProcess replayer = readyWithoutPing(builder)) {
        DockerCli cli = DockerCli.through(replayer);
        for (List<String> command : SESSION) {
          DockerCli.Result result = cli.run(CLI_TIMEOUT, args(command, fixture));
          assertThat(result.exitCode()).as("%s%n%s", result, replayer.describe()).isZero();
        }
        DockerCli.Result export = cli.run(CLI_TIMEOUT, "export", fixture);
        assertThat(export.stderrLinesContaining("docker-filter refused GET")).hasSize(1);
        DockerCli.Result stop = cli.run(CLI_TIMEOUT, "stop", fixture);
        assertThat(stop.stderrLinesContaining("docker-filter refused POST")).hasSize(1);
        DockerCli.Result info = cli.run(CLI_TIMEOUT, "info");
        assertThat(info.exitCode()).isNotZero();
      } finally {
        Files.deleteIfExists(log);
        Files.deleteIfExists(learned);
      }
    } finally {
      engine.remove(fixture);
    }
  }

  private static String[] args(List<String> command, String fixture) {
    return command.stream().map(a -> a.replace("{fixture}", fixture)).toArray(String[]::new);
  }

  private static Process learn(Path log, Path learned) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Project.java());
    command.addAll(List.of("-jar", Project.jar().toString(), "learn", "--output"));
    command.add(learned.toString());
    command.add(log.toString());
    return new ProcessBuilder(command).redirectErrorStream(true).inheritIO().start();
  }

  /**
   * The learned rules allow HEAD /_ping, which the docker CLI sends, but not the GET /_ping that
   * {@link ProxyProcess#awaitReady} uses: wait for the ready line instead.
   */
  private static ProxyProcess readyWithoutPing(ProxyProcess.Builder builder) throws IOException {
    ProxyProcess proxy = builder.launch();
    Poll.await(
        ProxyProcess.READY_TIMEOUT,
        () -> proxy.output().contains("msg=ready"),
        "the proxy's ready line",
        proxy::describe);
    return proxy;
  }
}
