package dev.dockerfilter.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RuleTest {

  private static final PathTemplate INSPECT = PathTemplate.parse("/containers/{container}/json");

  @Test
  void formatsAsOneUnambiguousLine() {
    Rule rule =
        new Rule(
            "allow-container-inspect",
            Verdict.ALLOW,
            Set.of("HEAD", "GET"),
            INSPECT,
            "container details");

    assertThat(rule.format())
        .isEqualTo(
            "allow GET,HEAD /containers/{container}/json id=allow-container-inspect"
                + " -- container details");
    assertThat(rule).hasToString(rule.format());
  }

  @Test
  void formatsDenyRules() {
    Rule rule =
        new Rule(
            "deny-export",
            Verdict.DENY,
            Set.of("GET"),
            PathTemplate.parse("/containers/{any}/export"),
            "whole filesystem");

    assertThat(rule.format())
        .isEqualTo("deny GET /containers/{any}/export id=deny-export -- whole filesystem");
  }

  @Test
  void copiesAndSortsItsMethods() {
    Set<String> methods = new HashSet<>(Set.of("HEAD", "GET"));
    Rule rule = new Rule("r", Verdict.ALLOW, methods, INSPECT, "note");

    methods.add("POST");

    assertThat(rule.methods()).containsExactly("GET", "HEAD");
    assertThatThrownBy(() -> rule.methods().add("PUT"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @ParameterizedTest(name = "{0} {1}: {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          GET  | /containers/my_app.1/json     | true
          HEAD | /containers/my_app.1/json     | true
          POST | /containers/my_app.1/json     | false
          get  | /containers/my_app.1/json     | false
          GET  | /containers/my_app.1/export   | false
          GET  | /containers/my_app.1/json?a=1 | false
          """)
  void matchesMethodAndPath(String method, String path, boolean expected) {
    Rule rule = new Rule("r", Verdict.ALLOW, Set.of("GET", "HEAD"), INSPECT, "note");

    assertThat(rule.matches(method, path)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "id {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      textBlock =
          """
          ""            | bad rule id: ''
          Allow-X       | bad rule id: 'Allow-X'
          allow x       | bad rule id: 'allow x'
          allow:x       | bad rule id: 'allow:x'
          -allow        | bad rule id: '-allow'
          """)
  void rejectsBadIds(String id, String message) {
    assertThatThrownBy(() -> new Rule(id, Verdict.ALLOW, Set.of("GET"), INSPECT, "note"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message + " (expected");
  }

  @ParameterizedTest(name = "method {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      textBlock =
          """
          ""         | bad method in rule 'r': '' (expected an RFC 9110 token)
          GET,HEAD   | bad method in rule 'r': 'GET,HEAD' (expected an RFC 9110 token)
          "G ET"     | bad method in rule 'r': 'G ET' (expected an RFC 9110 token)
          """)
  void rejectsBadMethods(String method, String message) {
    assertThatThrownBy(() -> new Rule("r", Verdict.ALLOW, Set.of(method), INSPECT, "note"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void rejectsNoMethods() {
    assertThatThrownBy(() -> new Rule("r", Verdict.ALLOW, Set.of(), INSPECT, "note"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rule has no methods: 'r' (expected at least one, e.g. GET)");
  }

  @Test
  void formatsConditionsUpgradeAndNoNote() {
    Rule rule =
        new Rule(
            "exec-start",
            Verdict.ALLOW,
            Set.of("POST"),
            PathTemplate.parse("/exec/{name}/start"),
            List.of(QueryCondition.equalTo("a", "1"), QueryCondition.absent("b")),
            true,
            "");

    assertThat(rule.format())
        .isEqualTo("allow POST /exec/{name}/start if a=true and !b upgrade id=exec-start");
  }

  @ParameterizedTest(name = "note ''{0}''")
  @ValueSource(strings = {" ", " padded", "padded "})
  void rejectsNotesWithSurroundingSpaces(String note) {
    assertThatThrownBy(() -> new Rule("r", Verdict.ALLOW, Set.of("GET"), INSPECT, note))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("note of rule 'r' starts or ends with a space: '");
  }

  @Test
  void rejectsUpgradeOnDenyRules() {
    assertThatThrownBy(
            () -> new Rule("r", Verdict.DENY, Set.of("GET"), INSPECT, List.of(), true, ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "upgrade on a deny rule: 'r' (only an allow rule can let a connection upgrade)");
  }

  @ParameterizedTest(name = "{0} on ?{1}: {2}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      textBlock =
          """
          # an allow rule needs every condition true
          allow | stream=0                | true
          allow | stream=1                | false
          allow | ""                      | false
          allow | stream=f                | false
          allow | stream=0;x              | false
          # a deny rule applies unless a condition is certainly false
          deny  | stream=0                | true
          deny  | stream=1                | false
          deny  | ""                      | false
          deny  | stream=f                | true
          deny  | stream=0;x              | true
          """)
  void resolvesDoubtTowardsDenial(String verdict, String query, boolean applies) {
    Rule rule =
        new Rule(
            "r",
            verdict.equals("allow") ? Verdict.ALLOW : Verdict.DENY,
            Set.of("GET"),
            INSPECT,
            List.of(QueryCondition.equalTo("stream", "false")),
            false,
            "");

    assertThat(rule.appliesTo("?" + query)).isEqualTo(applies);
    assertThat(rule.matches("GET", "/containers/x/json")).isTrue();
  }

  @Test
  void rejectsNotesOfMoreThanOneLineAndEscapesThemInTheMessage() {
    assertThatThrownBy(() -> new Rule("r", Verdict.ALLOW, Set.of("GET"), INSPECT, "a\nb"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "control character in note of rule 'r': 'a\\u000ab' (expected one line of text)");
  }
}
