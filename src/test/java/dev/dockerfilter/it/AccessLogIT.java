package dev.dockerfilter.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each exchange leaves exactly one access line in the proxy's output, with its keys in the
 * documented order, in logfmt by default and in JSON on request.
 */
class AccessLogIT {
  /** The access line's keys, in order (the proxy's contract). */
  private static final List<String> ACCESS_KEYS =
      List.of(
          "time",
          "level",
          "msg",
          "client",
          "method",
          "target",
          "path",
          "decision",
          "rule",
          "reason",
          "status",
          "bytes_in",
          "bytes_out",
          "duration_ms");

  private static final Duration LOG_WAIT = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Engine engine;

  @BeforeAll
  static void findEngine() {
    engine = Engine.fromEnvironment();
  }

  @Test
  void logsOneLogfmtLinePerExchangeWithDecisionRuleAndStatus() throws IOException {
    // Unique names in the paths tell our two exchanges apart from the readiness probes.
    String allowedName = Engine.uniqueName("log-allowed");
    String deniedName = Engine.uniqueName("log-denied");

    try (ProxyProcess proxy = ProxyProcess.start(engine)) {
      // Allowed by policy; the engine answers 404 because no such container exists.
      RawHttp.Response allowed =
          send(proxy, RawHttp.request("GET", "/v1.41/containers/" + allowedName + "/json", null));
      RawHttp.Response denied =
          send(proxy, RawHttp.request("DELETE", "/v1.41/containers/" + deniedName, null));
      assertThat(allowed.status()).as(allowed.toString()).isEqualTo(404);
      assertThat(denied.status()).as(denied.toString()).isEqualTo(403);

      Map<String, String> allowLine = awaitOneAccessLine(proxy, allowedName);
      assertThat(allowLine.keySet()).containsExactlyElementsOf(ACCESS_KEYS);
      assertThat(allowLine.get("level")).isEqualToIgnoringCase("info");
      assertThat(allowLine)
          .containsEntry("msg", "access")
          .containsEntry("method", "GET")
          .containsEntry("decision", "allow")
          .containsEntry("status", "404");
      assertThat(allowLine.get("path")).endsWith("/containers/" + allowedName + "/json");
      assertThat(allowLine.get("rule")).as("the rule that allowed it").isNotBlank();
      assertThat(allowLine.get("client")).as("peer credentials").startsWith("uid=");

      Map<String, String> denyLine = awaitOneAccessLine(proxy, deniedName);
      assertThat(denyLine.keySet()).containsExactlyElementsOf(ACCESS_KEYS);
      assertThat(denyLine)
          .containsEntry("method", "DELETE")
          .containsEntry("decision", "deny")
          .containsEntry("status", "403");
      assertThat(denyLine.get("path")).endsWith("/containers/" + deniedName);
      assertThat(denyLine.get("rule")).as("the rule (or default) that denied it").isNotBlank();
      assertThat(denyLine.get("reason")).as("why it was denied").isNotBlank();
    }
  }

  @Test
  void logsJsonAccessLinesWhenAsked() throws IOException {
    String deniedName = Engine.uniqueName("log-json");

    try (ProxyProcess proxy = ProxyProcess.start(engine, "--log-format", "json")) {
      send(proxy, RawHttp.request("DELETE", "/v1.41/containers/" + deniedName, null));

      Poll.await(
          LOG_WAIT,
          () -> !linesMentioning(proxy, deniedName).isEmpty(),
          "an access line for " + deniedName,
          proxy::describe);
      List<String> lines = linesMentioning(proxy, deniedName);
      assertThat(lines).as(proxy.describe()).hasSize(1);
      JsonNode line = JSON.readTree(lines.get(0));
      List<String> keys = new ArrayList<>();
      line.fieldNames().forEachRemaining(keys::add);
      assertThat(keys).containsExactlyElementsOf(ACCESS_KEYS);
      assertThat(line.path("decision").asText()).isEqualTo("deny");
      assertThat(line.path("status").asInt()).isEqualTo(403);
      for (String number : List.of("status", "bytes_in", "bytes_out", "duration_ms")) {
        assertThat(line.path(number).isNumber())
            .as("%s is a JSON number: %s", number, line)
            .isTrue();
      }
    }
  }

  @Test
  void writesTheLastAccessLinesBeforeItStops() throws IOException {
    // Access lines are written in batches; a stop right after an exchange must not lose its line.
    String name = Engine.uniqueName("log-last");

    try (ProxyProcess proxy = ProxyProcess.start(engine)) {
      RawHttp.Response response =
          send(proxy, RawHttp.request("GET", "/v1.41/containers/" + name + "/json", null));
      assertThat(response.status()).isEqualTo(404);
      assertThat(proxy.stop()).isZero();

      assertThat(linesMentioning(proxy, name)).as(proxy.describe()).hasSize(1);
    }
  }

  private static RawHttp.Response send(ProxyProcess proxy, String request) throws IOException {
    return RawHttp.exchange(proxy.address(), request, Duration.ofSeconds(10));
  }

  private static Map<String, String> awaitOneAccessLine(ProxyProcess proxy, String marker) {
    Poll.await(
        LOG_WAIT,
        () -> !linesMentioning(proxy, marker).isEmpty(),
        "an access line for " + marker,
        proxy::describe);
    List<String> lines = linesMentioning(proxy, marker);
    assertThat(lines).as("access lines for %s%n%s", marker, proxy.describe()).hasSize(1);
    return parseLogfmt(lines.get(0));
  }

  private static List<String> linesMentioning(ProxyProcess proxy, String marker) {
    return proxy.outputLines().stream()
        .filter(l -> l.contains(marker))
        .filter(l -> l.contains("access"))
        .toList();
  }

  /**
   * Splits a logfmt line into its keys and values, in order: {@code key=value} or {@code
   * key="quoted \" value"}, separated by spaces. A value may itself hold {@code =}.
   */
  static Map<String, String> parseLogfmt(String line) {
    Map<String, String> fields = new LinkedHashMap<>();
    int i = 0;
    while (i < line.length()) {
      while (i < line.length() && line.charAt(i) == ' ') {
        i++;
      }
      int equals = line.indexOf('=', i);
      if (equals < 0) {
        break;
      }
      String key = line.substring(i, equals);
      StringBuilder value = new StringBuilder();
      i = equals + 1;
      if (i < line.length() && line.charAt(i) == '"') {
        for (i++; i < line.length() && line.charAt(i) != '"'; i++) {
          if (line.charAt(i) == '\\' && i + 1 < line.length()) {
            i++;
          }
          value.append(line.charAt(i));
        }
        i++;
      } else {
        for (; i < line.length() && line.charAt(i) != ' '; i++) {
          value.append(line.charAt(i));
        }
      }
      fields.put(key, value.toString());
    }
    return fields;
  }
}
