package dev.dockerfilter.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Stops and starts the test engine with {@code dev/engine}, keeping its images and containers. */
final class EngineControl {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private EngineControl() {}

  static void stop(Engine engine) throws IOException, InterruptedException {
    run(engine, "stop");
    assertThat(engine.answersPing()).as("the engine answers after dev/engine stop").isFalse();
  }

  static void start(Engine engine) throws IOException, InterruptedException {
    run(engine, "start");
    assertThat(engine.answersPing()).as("the engine answers after dev/engine start").isTrue();
  }

  private static void run(Engine engine, String command) throws IOException, InterruptedException {
    Path log = Files.createTempFile("engine-" + command + "-", ".log");
    try {
      Process process =
          new ProcessBuilder(
                  Project.devScript("engine").toString(), command, engine.socket().toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      boolean exited = process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (!exited) {
        process.destroyForcibly().waitFor();
      }
      String output = Files.readString(log);
      assertThat(exited).as("dev/engine %s within %s:%n%s", command, TIMEOUT, output).isTrue();
      assertThat(process.exitValue()).as("dev/engine %s:%n%s", command, output).isZero();
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
