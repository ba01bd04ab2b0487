package dev.dockerfilter.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The benchmark harness still runs end to end, on its tiny setting (the benchmark is no test). */
class BenchIT {
  @Test
  void benchRunsOnItsTinySetting() throws Exception {
    Engine engine = Engine.fromEnvironment();
    Path output = Files.createTempFile("bench-", ".txt");
    try {
      Process bench =
          new ProcessBuilder(
                  Project.root().resolve("bench/run").toString(),
                  "--tiny",
                  "--engine",
                  engine.uri())
              .directory(Project.root().toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      boolean finished = bench.waitFor(5, TimeUnit.MINUTES);
      if (!finished) {
        bench.destroyForcibly().waitFor();
      }
      String text = Files.readString(output);
      assertThat(finished).as("bench/run --tiny finished within 5 minutes:%n%s", text).isTrue();
      assertThat(bench.exitValue()).as("bench/run --tiny:%n%s", text).isZero();
      assertThat(text)
          .contains("| scenario | target | req/s | p50 ms | p99 ms | x direct | x haproxy |")
          .contains("| /_ping c=1 | docker-filter | ")
          .contains("| /_ping c=1 | haproxy | ")
          .contains("docker-filter start to first answered request")
          .contains("[bench] wrote ");
    } finally {
      Files.deleteIfExists(output);
    }
  }
}
