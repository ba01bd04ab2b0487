package dev.dockerfilter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class HealthcheckCommandTest {

  @Test
  void acceptsTheEnginesPingAnswerPlainOrChunked() {
    assertThat(judge("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK")).isNull();
    assertThat(judge("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nOK\r\n0\r\n\r\n"))
        .isNull();
  }

  static Stream<Arguments> answersThatAreNotHealthy() {
    return Stream.of(
        arguments(
            "HTTP/1.1 502 Bad Gateway\r\n\r\n{\"message\":\"upstream down\"}",
            "answered 'HTTP/1.1 502 Bad Gateway': {\"message\":\"upstream down\"}"),
        arguments("HTTP/1.1 403 Forbidden\r\n\r\n", "answered 'HTTP/1.1 403 Forbidden'"),
        arguments("HTTP/1.1 200 OK\r\n\r\nNOPE", "answered 200 with an unexpected body: 'NOPE'"),
        arguments("SSH-2.0-OpenSSH_9.2\r\n", "not an HTTP answer: 'SSH-2.0-OpenSSH_9.2??'"),
        arguments("", "not an HTTP answer: ''"));
  }

  @ParameterizedTest
  @MethodSource("answersThatAreNotHealthy")
  void refusesEverythingElse(String response, String problem) {
    assertThat(judge(response)).isEqualTo(problem);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''                                                  | /var/run/docker-filter/docker.sock",
        "unix:///run/a.sock                                  | /run/a.sock",
        "tcp://127.0.0.1:2375, unix:///run/b.sock            | /run/b.sock",
        "tcp://127.0.0.1:2375                                | /var/run/docker-filter/docker.sock",
      })
  void takesTheFirstUnixListenerFromTheEnvironment(String listen, String socket) {
    assertThat(HealthcheckCommand.defaultSocket(Map.of("DOCKER_FILTER_LISTEN", listen)))
        .isEqualTo(socket);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          --timeout abc                    | --timeout: invalid duration: 'abc'
          --timeout 0                      | --timeout: must be positive: '0'
          --socket tcp://127.0.0.1:2375    | --socket: not a unix socket: 'tcp://127.0.0.1:2375'
          --socket run/docker-filter.sock  | --socket: socket path is not absolute
          --sockte=/run/a.sock             | Unknown option: '--sockte=/run/a.sock'
          """)
  void exitsTwoOnBadUsageWithoutCallingTheProxyUnhealthy(String args, String message) {
    Commands run = Commands.run(("healthcheck " + args).split(" "));

    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.err()).startsWith("docker-filter: " + message).doesNotContain("unhealthy");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void exitsOneWhenNoProxyAnswers(@TempDir Path dir) {
    Commands run =
        Commands.run(
            "healthcheck", "--socket", "unix://" + dir.resolve("none.sock"), "--timeout", "1s");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("unhealthy: GET /_ping on " + dir.resolve("none.sock"));
  }

  private static String judge(String response) {
    return HealthcheckCommand.judge(response.getBytes(StandardCharsets.ISO_8859_1));
  }
}
