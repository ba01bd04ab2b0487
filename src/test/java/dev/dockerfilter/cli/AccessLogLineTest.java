package dev.dockerfilter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AccessLogLineTest {

  @Test
  void readsLogfmtWithQuotedAndEscapedValues() {
    Map<String, String> fields =
        AccessLogLine.parse(
                "time=2026-01-01T00:00:00Z level=info msg=access client=\"uid=0,pid=7\""
                    + " method=GET target=\"/a?b=\\\"c\\\" d\" path=/a reason=\"x\\\\y\\x01\""
                    + " status=200")
            .orElseThrow();

    assertThat(fields)
        .containsEntry("msg", "access")
        .containsEntry("client", "uid=0,pid=7")
        .containsEntry("target", "/a?b=\"c\" d")
        .containsEntry("reason", "x\\y\u0001")
        .containsEntry("status", "200");
  }

  @Test
  void readsJson() {
    Map<String, String> fields =
        AccessLogLine.parse("{\"msg\":\"access\",\"method\":\"GET\",\"status\":101}").orElseThrow();

    assertThat(fields).containsEntry("method", "GET").containsEntry("status", "101");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "# a comment",
        "plain text",
        "key=\"unterminated",
        "{not json",
        "[\"an array\"]",
        "=value"
      })
  void rejectsLinesInNeitherFormat(String line) {
    assertThat(AccessLogLine.parse(line)).isEmpty();
  }
}
