package dev.dockerfilter.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Standard output that nobody reads, as with a stalled log shipper or {@code docker-filter | (a
 * stopped process)}: clients are still served, the proxy still stops on SIGTERM, and once output is
 * read again it says how many lines it had to drop.
 */
class BlockedStdoutIT {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** Far more access lines than a pipe (64 KiB) and the proxy's queue hold together. */
  private static final int REQUESTS = 6_000;

  private Path dir;
  private Process proxy;
  private Path socket;

  @BeforeEach
  void startWithUnreadOutput() throws IOException {
    dir = Files.createTempDirectory(Path.of("/tmp"), "df-blocked-");
    socket = dir.resolve("proxy.sock");
    Engine engine = Engine.fromEnvironment();
    proxy =
        new ProcessBuilder(
                List.of(
                    Project.java(),
                    "-XX:+UseSerialGC",
                    "-Xmx64m",
                    "-jar",
                    Project.jar().toString(),
                    "--listen",
                    "unix://" + socket,
                    "--upstream",
                    engine.uri()))
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    Poll.await(WAIT, () -> RawHttp.accepts("unix://" + socket), "the proxy to listen", () -> "");
  }

  @AfterEach
  void stop() throws Exception {
    proxy.destroyForcibly().waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
    Project.deleteTree(dir);
  }

  @Test
  void clientsAreServedAndSigtermStopsTheProxy() throws Exception {
    serve(REQUESTS);
    long start = System.nanoTime();
    proxy.destroy();
    assertThat(proxy.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS))
        .as("the proxy exits on SIGTERM although its output is blocked")
        .isTrue();
    assertThat(proxy.exitValue()).isZero();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
  }

  @Test
  void droppedLinesAreCountedOnceOutputIsReadAgain() throws Exception {
    serve(REQUESTS);
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    Thread reader = new Thread(() -> drain(proxy.getInputStream(), output), "proxy-output");
    reader.setDaemon(true);
    reader.start();
    // Lines reach the proxy's writer again; the next one to fit carries the report.
    Poll.await(
        WAIT,
        () -> {
          serve(1);
          return text(output).contains("msg=\"log lines dropped\" count=");
        },
        "a report of the dropped lines",
        () -> tail(text(output)));
    assertThat(text(output)).contains("why=\"standard output was not read fast enough\"");
  }

  private void serve(int requests) {
    try (RawHttp client = RawHttp.connect(socket)) {
      for (int i = 0; i < requests; i++) {
        client.send("GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n");
        assertThat(client.readResponse("GET", WAIT).status()).as("request %d", i).isEqualTo(200);
      }
    } catch (IOException e) {
      throw new AssertionError("a request through the proxy failed: " + e, e);
    }
  }

  private static void drain(InputStream in, ByteArrayOutputStream out) {
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        synchronized (out) {
          out.write(buffer, 0, n);
        }
      }
    } catch (IOException e) {
      // The process is gone.
    }
  }

  private static String text(ByteArrayOutputStream out) {
    synchronized (out) {
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  private static String tail(String text) {
    return text.substring(Math.max(0, text.length() - 2000));
  }
}
