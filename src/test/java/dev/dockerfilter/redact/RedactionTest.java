package dev.dockerfilter.redact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dockerfilter.policy.Decision;
import dev.dockerfilter.policy.PolicyRequest;
import dev.dockerfilter.policy.Presets;
import dev.dockerfilter.policy.Verdict;
import dev.dockerfilter.redact.Redaction.Secret;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedactionTest {
  private static final Redaction ALL = Redaction.parse("all", "");

  @ParameterizedTest(name = "''{0}'' -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          none           | ''
          off            | ''
          ''             | ''
          all            | env,swarm,logs
          on             | env,swarm,logs
          ALL            | env,swarm,logs
          env            | env
          ' env , logs ' | env,logs
          swarm,env      | env,swarm
          """)
  void readsWhatToRedact(String setting, String expected) {
    Set<Secret> secrets = Redaction.parseSecrets(setting);
    assertThat(secrets.stream().map(Secret::word).toList())
        .containsExactlyElementsOf(expected.isEmpty() ? List.of() : List.of(expected.split(",")));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          secrets      | unknown thing to redact: 'secrets'
          env,,logs    | unknown thing to redact: ''
          env;logs     | unknown thing to redact: 'env;logs'
          environment  | unknown thing to redact: 'environment'
          """)
  void refusesUnknownWords(String setting, String message) {
    assertThatThrownBy(() -> Redaction.parseSecrets(setting))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message)
        .hasMessageContaining("expected none, all, or a comma-separated list of env, swarm, logs");
  }

  @Test
  void readsNamesToKeepAndRefusesWhatIsNotAName() {
    assertThat(Redaction.parseEnvNames("DD_ENV, DD_SERVICE,DD_VERSION"))
        .containsExactly("DD_ENV", "DD_SERVICE", "DD_VERSION");
    assertThat(Redaction.parseEnvNames("")).isEmpty();
    for (String bad : new String[] {"DD_*", "A=B", "1ABC", "DD_ENV,,X", "has space"}) {
      assertThatThrownBy(() -> Redaction.parseEnvNames(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("not an environment variable name: '");
    }
  }

  @Test
  void nothingChosenIsOff() {
    assertThat(Redaction.parse("none", "DD_ENV")).isSameAs(Redaction.OFF);
    assertThat(Redaction.OFF.isOn()).isFalse();
    assertThat(Redaction.OFF.rewrites("GET", "/containers/abc/json")).isFalse();
    assertThat(Redaction.OFF.describe()).isEqualTo("none");
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          GET  | /containers/abc/json                     | true
          GET  | /containers/my_app.1/json                | true
          GET  | /containers/web/db/json                  | true
          GET  | /containers/localtest/busybox:1/json     | true
          GET  | /images/reg.example:5000/team/app:1/json | true
          GET  | /images/team/app:1/history               | true
          GET  | /services                                | true
          GET  | /services/web                            | true
          GET  | /tasks                                   | true
          GET  | /tasks/t1                                | true
          GET  | /plugins                                 | true
          GET  | /plugins/vieux/sshfs:latest/json         | true
          GET  | /swarm                                   | true
          GET  | /containers/json                         | true
          GET  | /system/df                               | true
          HEAD | /containers/abc/json                     | false
          HEAD | /containers/json                         | false
          GET  | /images/json                             | false
          GET  | /containers/abc/logs                     | false
          GET  | /events                                  | false
          GET  | /info                                    | false
          GET  | /networks/n                              | false
          GET  | /containers/abc/json/x                   | false
          """)
  void rewritesTheAnswersThatHoldSecrets(String method, String path, boolean rewritten) {
    assertThat(ALL.rewrites(method, path)).isEqualTo(rewritten);
  }

  @Test
  void rewritesNothingWhenOnlyLogsAreChosen() {
    Redaction logsOnly = Redaction.parse("logs", "");
    assertThat(logsOnly.rewrites("GET", "/containers/abc/json")).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          /containers/abc/logs | deny
          /services/web/logs   | deny
          /tasks/t1/logs       | deny
          /containers/abc/json | allow
          /events              | allow
          """)
  void refusesLogsThatARuleAllows(String path, String verdict) {
    PolicyRequest request = new PolicyRequest("GET", path, "follow=1");
    Decision allowed =
        new Decision(Verdict.ALLOW, "allow-all", Decision.ALLOWED_BY_RULE, "allowed by a rule");

    Decision reviewed = ALL.review(request, allowed);

    assertThat(reviewed.allowed()).isEqualTo(verdict.equals("allow"));
    if (!reviewed.allowed()) {
      assertThat(reviewed.ruleId()).isEqualTo(Redaction.LOGS_RULE_ID);
      assertThat(reviewed.reason()).isEqualTo(Redaction.LOGS_REASON);
      assertThat(reviewed.note()).contains("cannot be redacted; this listener hides secrets");
    } else {
      assertThat(reviewed).isSameAs(allowed);
    }
  }

  @Test
  void refusesTheLogsThatTheReadOnlyPresetAllows() {
    PolicyRequest request = new PolicyRequest("GET", "/containers/abc/logs", "follow=1");
    Decision allowed = Presets.readOnly().decide(request);
    assertThat(allowed.allowed()).isTrue();
    assertThat(ALL.review(request, allowed).allowed()).isFalse();
  }

  @Test
  void leavesLogsAloneWhenLogsAreNotChosen() {
    PolicyRequest request = new PolicyRequest("GET", "/containers/abc/logs", "");
    Decision allowed = Presets.readOnly().decide(request);
    assertThat(Redaction.parse("env,swarm", "").review(request, allowed)).isSameAs(allowed);
  }

  @Test
  void leavesADenialAsItIs() {
    PolicyRequest request = new PolicyRequest("GET", "/containers/abc/export", "");
    Decision denied = Presets.readOnly().decide(request);
    assertThat(ALL.review(request, denied)).isSameAs(denied);
  }

  @ParameterizedTest(name = "''{0}'' -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          ''                          | false
          ?ps_args=-ef                | false
          ?ps_args=aux                | false
          ?ps_args=-eo+pid,args       | false
          ?ps_args=-o%20pid,comm      | false
          ?ps_args=e                  | true
          ?ps_args=aux+e              | true
          ?ps_args=auxeww             | true
          ?ps_args=-ef%20e            | true
          ?ps_args=%65                | true
          ?ps%5Fargs=axe              | true
          ?ps_args=-ef&ps_args=e      | false
          ?ps_args=e&ps_args=-ef      | true
          ?ps_args=-o+user            | true
          ?ps_args=-ef;ps_args=e      | true
          ?ps_args=%zz                | true
          """)
  void readsPsArgsAsTheEngineDoes(String rawQuery, boolean printsEnvironment) {
    assertThat(Redaction.printsEnvironment(rawQuery)).isEqualTo(printsEnvironment);
  }

  @Test
  void refusesATopThatPrintsEnvironmentsWhenEnvIsHidden() {
    PolicyRequest request = new PolicyRequest("GET", "/containers/abc/top", "?ps_args=aux+e");
    Decision allowed = Presets.readOnly().decide(request);
    assertThat(allowed.allowed()).isTrue();

    Decision reviewed = ALL.review(request, allowed);

    assertThat(reviewed.allowed()).isFalse();
    assertThat(reviewed.ruleId()).isEqualTo(Redaction.TOP_RULE_ID);
    assertThat(reviewed.reason()).isEqualTo(Redaction.TOP_REASON);
    assertThat(Redaction.refusedByRedaction(reviewed)).isTrue();
    assertThat(Redaction.parse("swarm,logs", "").review(request, allowed)).isSameAs(allowed);
    PolicyRequest plain = new PolicyRequest("GET", "/containers/abc/top", "?ps_args=-ef");
    assertThat(ALL.review(plain, allowed)).isSameAs(allowed);
  }

  @Test
  void anAuditDoesNotForwardWhatCannotBeRedacted() {
    // The read-only preset denies task logs; an audit would forward them, redaction must not.
    PolicyRequest request = new PolicyRequest("GET", "/tasks/t1/logs", "?stdout=1");
    Decision denied = Presets.readOnly().decide(request);
    assertThat(denied.allowed()).isFalse();

    assertThat(ALL.review(request, denied, false)).isSameAs(denied);
    Decision audited = ALL.review(request, denied, true);
    assertThat(audited.ruleId()).isEqualTo(Redaction.LOGS_RULE_ID);
    assertThat(Redaction.refusedByRedaction(audited)).isTrue();
    assertThat(Redaction.refusedByRedaction(denied)).isFalse();
  }

  @Test
  void describesWhatItHides() {
    assertThat(Redaction.parse("all", "DD_ENV,DD_SERVICE").describe())
        .isEqualTo("env (keeping DD_ENV, DD_SERVICE), swarm, logs");
    assertThat(Redaction.parse("logs,env", "").secrets())
        .isEqualTo(EnumSet.of(Secret.ENV, Secret.LOGS));
  }
}
