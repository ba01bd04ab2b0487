package dev.dockerfilter.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How the proxy starts and stops: its listeners and socket files, signals, exit codes.
 *
 * <p>Exit codes (the proxy's contract): 0 clean shutdown, 2 bad usage or configuration, 3 a
 * listener could not be opened.
 */
class LifecycleIT {
  private static final int EXIT_LISTENER_FAILED = 3;
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(2);

  /** Time for the JVM to notice the signal and for the test to notice the effect. */
  private static final Duration MARGIN = Duration.ofSeconds(3);

  private static Engine engine;

  @BeforeAll
  static void findEngine() {
    engine = Engine.fromEnvironment();
  }

  @Test
  void sigtermStopsAcceptingAndClosesOpenStreamsWithinTheGrace() throws IOException {
    try (ProxyProcess proxy =
        ProxyProcess.start(engine, "--shutdown-grace", SHUTDOWN_GRACE.toSeconds() + "s")) {
      try (RawHttp events = RawHttp.connect(proxy.address())) {
        events.send("GET /v1.41/events HTTP/1.1\r\nHost: docker\r\n\r\n");
        assertThat(events.readHead(Duration.ofSeconds(5)).status()).isEqualTo(200);

        long signalled = System.nanoTime();
        proxy.terminate();

        Poll.await(
            Duration.ofSeconds(1),
            () -> !RawHttp.accepts(proxy.address()),
            "the listener to stop accepting after SIGTERM",
            proxy::describe);
        RawHttp.Chunk.Kind end = events.readToEnd(SHUTDOWN_GRACE.plus(MARGIN));
        assertThat(end)
            .as("how the open stream ended")
            .isIn(RawHttp.Chunk.Kind.LAST, RawHttp.Chunk.Kind.CLOSED);
        assertThat(Duration.ofNanos(System.nanoTime() - signalled))
            .as("time from SIGTERM to the stream's end")
            .isLessThan(SHUTDOWN_GRACE.plus(MARGIN));
      }

      assertThat(proxy.awaitExit(SHUTDOWN_GRACE.plus(MARGIN))).as(proxy.describe()).isZero();
      assertThat(proxy.socket()).as("the socket file after a clean shutdown").doesNotExist();
      assertThat(proxy.output())
          .contains("path=/events decision=allow rule=allow-events reason=proxy-stopped");
    }
  }

  @Test
  void replacesAStaleSocketLeftByAKilledInstance() throws IOException {
    ProxyProcess.Builder first = ProxyProcess.builder(engine);
    Path socket = first.dir().resolve("docker.sock");
    try (ProxyProcess killed = first.start()) {
      killed.kill9();
      assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS))
          .as("SIGKILL leaves the socket file behind")
          .isTrue();

      try (ProxyProcess next = ProxyProcess.builder(engine).listen("unix://" + socket).start()) {
        DockerCli.Result ps = DockerCli.through(next).run("ps");
        assertThat(ps.exitCode()).as("%s%n%s", ps, next.describe()).isZero();
      }
    }
  }

  @Test
  void aSecondInstanceOnALiveSocketExitsAndLeavesTheFirstServing() throws IOException {
    try (ProxyProcess first = ProxyProcess.start(engine)) {
      try (ProxyProcess second =
          ProxyProcess.builder(engine).listen("unix://" + first.socket()).launch()) {
        assertThat(second.awaitExit(ProxyProcess.READY_TIMEOUT))
            .as("a second instance on a live socket%n%s", second.describe())
            .isEqualTo(EXIT_LISTENER_FAILED);
      }
      assertThat(first.answersPing()).as("the first instance still serves").isTrue();
      assertThat(first.isAlive()).isTrue();
    }
  }

  @Test
  void refusesARegularFileAtTheSocketPathAndLeavesItAlone() throws IOException {
    ProxyProcess.Builder builder = ProxyProcess.builder(engine);
    Path path = builder.dir().resolve("not-a-socket");
    Files.writeString(path, "keep me\n");

    try (ProxyProcess proxy = builder.listen("unix://" + path).launch()) {
      assertThat(proxy.awaitExit(ProxyProcess.READY_TIMEOUT))
          .as("a regular file at the socket path%n%s", proxy.describe())
          .isEqualTo(EXIT_LISTENER_FAILED);
      assertThat(path).isRegularFile().hasContent("keep me");
    }
  }

  @Test
  void setsTheSocketModeExactlyWhateverTheUmask() throws IOException {
    try (ProxyProcess proxy =
        ProxyProcess.builder(engine).umask("000").options("--socket-mode", "0660").start()) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(proxy.socket())))
          .as("mode of %s right after ready", proxy.socket())
          .isEqualTo("rw-rw----");
    }
  }

  @Test
  void createsAMissingParentDirectory() throws IOException {
    ProxyProcess.Builder builder = ProxyProcess.builder(engine);
    Path socket = builder.dir().resolve("missing/parent/docker.sock");

    try (ProxyProcess proxy = builder.listen("unix://" + socket).start()) {
      assertThat(proxy.socket()).isEqualTo(socket);
      assertThat(Files.isDirectory(socket.getParent())).isTrue();
    }
  }

  @Test
  void refusesASocketPathLongerThan107BytesWithAClearError() throws IOException {
    ProxyProcess.Builder builder = ProxyProcess.builder(engine);
    String dir = builder.dir().toString() + "/";
    Path path = Path.of(dir + "s".repeat(108 - dir.length()) + ".sock");
    assertThat(path.toString().getBytes(StandardCharsets.UTF_8).length).isGreaterThan(107);

    try (ProxyProcess proxy = builder.listen("unix://" + path).launch()) {
      int exitCode = proxy.awaitExit(ProxyProcess.READY_TIMEOUT);
      assertThat(exitCode).as(proxy.describe()).isNotZero();
      assertThat(proxy.output())
          .as("the error names the limit")
          .containsAnyOf("107", "too long", "Too long");
      assertThat(path).doesNotExist();
    }
  }

  @Test
  void servesTheCliOnALoopbackTcpListener() throws IOException {
    int port = RawHttp.freeLoopbackPort();

    try (ProxyProcess proxy =
        ProxyProcess.builder(engine).listen("tcp://127.0.0.1:" + port).start()) {
      DockerCli.Result version =
          DockerCli.through(proxy).run("version", "--format", "{{.Server.Version}}");
      DockerCli.Result direct =
          DockerCli.direct(engine).run("version", "--format", "{{.Server.Version}}");
      assertThat(version.exitCode()).as("%s%n%s", version, proxy.describe()).isZero();
      assertThat(version.stdout()).isEqualTo(direct.stdout());
    }
  }

  @Test
  void warnsThatAnAllInterfacesListenerIsReachableFromTheNetwork() throws IOException {
    int port = RawHttp.freeLoopbackPort();

    try (ProxyProcess proxy =
        ProxyProcess.builder(engine).listen("tcp://0.0.0.0:" + port).start()) {
      List<String> warnings =
          proxy.outputLines().stream()
              .filter(l -> l.contains("WARN") || l.contains("level=warn"))
              .filter(l -> l.toLowerCase(Locale.ROOT).contains("network"))
              .toList();
      assertThat(warnings).as(proxy.describe()).isNotEmpty();
    }
  }
}
