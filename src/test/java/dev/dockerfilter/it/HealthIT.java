package dev.dockerfilter.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Liveness, readiness and the {@code healthcheck} command against the real engine, also while that
 * engine is stopped: {@code /healthz} stays 200, {@code /readyz} and {@code healthcheck} follow the
 * engine, and the failed exchanges show up in the metrics.
 */
class HealthIT {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** What a probe may take, JVM start included, on a busy two-core machine. */
  private static final Duration HEALTHCHECK_LIMIT = Duration.ofSeconds(10);

  private static Engine engine;

  @BeforeAll
  static void findEngine() {
    engine = Engine.fromEnvironment();
  }

  @Test
  void readinessAndHealthcheckFollowTheEngineWhileLivenessStays() throws Exception {
    String admin = "tcp://127.0.0.1:" + freePort();
    try (ProxyProcess proxy = ProxyProcess.start(engine, "--admin-listen", admin)) {
      assertThat(status(admin, "/healthz")).isEqualTo(200);
      assertReady(admin);
      assertThat(healthcheck(Map.of(), "--socket", proxy.socket().toString()).exitCode()).isZero();
      Scrape before = Scrape.of(admin);

      EngineControl.stop(engine);
      try {
        RawHttp.Response notReady = Scrape.get(admin, "/readyz");
        assertThat(notReady.status()).as(notReady.toString()).isEqualTo(503);
        assertThat(notReady.bodyText()).startsWith("not ready: ");
        assertThat(status(admin, "/healthz"))
            .as("liveness does not depend on the engine")
            .isEqualTo(200);

        RawHttp.Response failed =
            RawHttp.exchange(
                proxy.address(), RawHttp.request("GET", "/v1.41/containers/json", null), WAIT);
        assertThat(failed.status()).as(failed.toString()).isEqualTo(502);

        Result unhealthy = healthcheck(Map.of(), "--socket", proxy.socket().toString());
        assertThat(unhealthy.exitCode()).as(unhealthy.toString()).isEqualTo(1);
        assertThat(unhealthy.output()).contains("unhealthy").contains("502");

        Scrape after = Scrape.of(admin);
        assertThat(
                after.value("docker_filter_upstream_errors_total", "kind", "upstream-unavailable")
                    - before.value(
                        "docker_filter_upstream_errors_total", "kind", "upstream-unavailable"))
            .as("the failed list and the failed healthcheck ping%n%s", after.text())
            .isEqualTo(2);
        assertThat(
                after.sum(
                        "docker_filter_requests_total",
                        "decision",
                        "allow",
                        "reason",
                        "upstream-unavailable",
                        "rule",
                        "allow-container-list")
                    - before.sum(
                        "docker_filter_requests_total",
                        "decision",
                        "allow",
                        "reason",
                        "upstream-unavailable",
                        "rule",
                        "allow-container-list"))
            .isEqualTo(1);
      } finally {
        EngineControl.start(engine);
      }

      assertReady(admin);
      Result healthy = healthcheck(Map.of(), "--socket", proxy.socket().toString());
      assertThat(healthy.exitCode()).as(healthy.toString()).isZero();
    }
  }

  @Test
  void healthcheckFindsTheSocketInTheEnvironmentAndFailsWithoutAProxy() throws IOException {
    try (ProxyProcess proxy = ProxyProcess.start(engine)) {
      Result fromEnvironment =
          healthcheck(Map.of("DOCKER_FILTER_LISTEN", "tcp://127.0.0.1:1," + proxy.address()));
      assertThat(fromEnvironment.exitCode()).as(fromEnvironment.toString()).isZero();
      assertThat(fromEnvironment.output()).contains("healthy").contains(proxy.socket().toString());
      assertThat(fromEnvironment.duration())
          .as("a healthcheck's run time, JVM start included")
          .isLessThan(HEALTHCHECK_LIMIT);

      Path missing = proxy.dir().resolve("no-proxy-here.sock");
      Result noProxy = healthcheck(Map.of(), "--socket", missing.toString());
      assertThat(noProxy.exitCode()).as(noProxy.toString()).isEqualTo(1);
      assertThat(noProxy.output()).contains("unhealthy").contains(missing.toString());

      Result badUsage = healthcheck(Map.of(), "--no-such-flag");
      assertThat(badUsage.exitCode()).as(badUsage.toString()).isEqualTo(2);
    }
  }

  @Test
  void refusesAnAdminListenerBeyondLoopback() throws IOException {
    try (ProxyProcess proxy =
        ProxyProcess.builder(engine).options("--admin-listen", "tcp://0.0.0.0:9180").launch()) {
      assertThat(proxy.awaitExit(ProxyProcess.READY_TIMEOUT)).as(proxy.describe()).isEqualTo(2);
      assertThat(proxy.output()).contains("admin listener is not on loopback");
    }
  }

  private static void assertReady(String admin) {
    String[] last = {""};
    Poll.await(
        WAIT,
        () -> {
          try {
            RawHttp.Response ready = Scrape.get(admin, "/readyz");
            last[0] = ready.toString();
            return ready.status() == 200 && ready.bodyText().startsWith("ready: ");
          } catch (IOException e) {
            last[0] = e.toString();
            return false;
          }
        },
        "GET /readyz to answer 200",
        () -> last[0]);
  }

  private static int status(String admin, String path) throws IOException {
    return Scrape.get(admin, path).status();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** One run of {@code java -jar docker-filter.jar healthcheck ARGS} with only ENV set. */
  private static Result healthcheck(Map<String, String> env, String... args) throws IOException {
    Path output = Files.createTempFile("healthcheck-", ".log");
    try {
      List<String> command = new ArrayList<>(List.of(Project.java(), "-XX:TieredStopAtLevel=1"));
      command.addAll(List.of("-XX:+UseSerialGC", "-jar", Project.jar().toString(), "healthcheck"));
      command.addAll(List.of(args));
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      builder.environment().keySet().removeIf(n -> n.startsWith("DOCKER_"));
      builder.environment().putAll(env);
      long started = System.nanoTime();
      Process process = builder.start();
      if (!process.waitFor(HEALTHCHECK_LIMIT.toMillis() * 2, TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
      }
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      return new Result(
          String.join(" ", command), process.exitValue(), Files.readString(output), took);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private record Result(String command, int exitCode, String output, Duration duration) {}
}
