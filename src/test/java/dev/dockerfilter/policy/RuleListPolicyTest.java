package dev.dockerfilter.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RuleListPolicyTest {

  private static final Rule ALLOW_INSPECT =
      rule("allow-inspect", Verdict.ALLOW, Set.of("GET", "HEAD"), "/containers/{container}/json");
  private static final Rule DENY_EXPORT =
      rule("deny-export", Verdict.DENY, Set.of("GET"), "/containers/{any}/export");
  private static final Rule ALLOW_ANY_JSON =
      rule("allow-any-json", Verdict.ALLOW, Set.of("GET"), "/{any}/json");
  private static final Rule DENY_ANY_JSON =
      rule("deny-any-json", Verdict.DENY, Set.of("GET"), "/{any}/json");
  private static final Rule ALLOW_LIST =
      rule("allow-list", Verdict.ALLOW, Set.of("GET"), "/containers/json");

  @Test
  void allowsByTheFirstMatchingRule() {
    Policy policy = RuleListPolicy.of("test", List.of(DENY_EXPORT, ALLOW_INSPECT));

    Decision decision = policy.decide(new PolicyRequest("GET", "/containers/abc/json", ""));

    assertThat(decision)
        .isEqualTo(new Decision(Verdict.ALLOW, "allow-inspect", "allowed-by-rule", "note"));
    assertThat(decision.allowed()).isTrue();
  }

  @Test
  void deniesByAnExplicitRule() {
    Policy policy = RuleListPolicy.of("test", List.of(DENY_EXPORT, ALLOW_INSPECT));

    Decision decision = policy.decide(new PolicyRequest("GET", "/containers/abc/export", ""));

    assertThat(decision)
        .isEqualTo(new Decision(Verdict.DENY, "deny-export", "denied-by-rule", "note"));
    assertThat(decision.allowed()).isFalse();
  }

  @Test
  void deniesAMethodThatNoRuleAllowsOnAMatchingPath() {
    Policy policy = RuleListPolicy.of("test", List.of(DENY_EXPORT, ALLOW_INSPECT));

    Decision decision = policy.decide(new PolicyRequest("POST", "/containers/abc/json", ""));

    assertThat(decision)
        .isEqualTo(
            new Decision(
                Verdict.DENY,
                "-",
                "method-not-allowed",
                "no rule of policy 'test' allows this method on this path (allowed: GET, HEAD)"));
  }

  @Test
  void deniesAMethodOnAPathThatOnlyADenyRuleMatches() {
    Policy policy = RuleListPolicy.of("test", List.of(DENY_EXPORT, ALLOW_INSPECT));

    Decision decision = policy.decide(new PolicyRequest("HEAD", "/containers/abc/export", ""));

    assertThat(decision)
        .isEqualTo(
            new Decision(
                Verdict.DENY,
                "-",
                "method-not-allowed",
                "no rule of policy 'test' allows this method on this path"));
  }

  @Test
  void deniesAPathThatNoRuleMatches() {
    Policy policy = RuleListPolicy.of("test", List.of(DENY_EXPORT, ALLOW_INSPECT));

    Decision decision = policy.decide(new PolicyRequest("GET", "/images/json", ""));

    assertThat(decision)
        .isEqualTo(
            new Decision(
                Verdict.DENY,
                "-",
                "no-rule-for-path",
                "no rule of policy 'test' matches this path"));
  }

  @Test
  void deniesEverythingWhenEmpty() {
    Policy policy = RuleListPolicy.of("empty", List.of());

    assertThat(policy.decide(new PolicyRequest("GET", "/_ping", "")).reason())
        .isEqualTo("no-rule-for-path");
  }

  @Test
  void neverMatchesAPathWithoutALeadingSlash() {
    Policy policy = RuleListPolicy.of("test", List.of(ALLOW_ANY_JSON, ALLOW_LIST));

    assertThat(policy.decide(new PolicyRequest("GET", "containers/json", "")).reason())
        .isEqualTo("no-rule-for-path");
    assertThat(policy.decide(new PolicyRequest("GET", "", "")).reason())
        .isEqualTo("no-rule-for-path");
  }

  @Test
  void keepsPolicyOrderBetweenPlaceholderAndLiteralFirstSegments() {
    Policy denyFirst = RuleListPolicy.of("test", List.of(DENY_ANY_JSON, ALLOW_LIST));
    Policy allowFirst = RuleListPolicy.of("test", List.of(ALLOW_LIST, DENY_ANY_JSON));

    PolicyRequest list = new PolicyRequest("GET", "/containers/json", "");

    assertThat(denyFirst.decide(list).ruleId()).isEqualTo("deny-any-json");
    assertThat(allowFirst.decide(list).ruleId()).isEqualTo("allow-list");
  }

  @Test
  void triesPlaceholderFirstRulesForFirstSegmentsThatNoLiteralRuleNames() {
    Policy policy = RuleListPolicy.of("test", List.of(ALLOW_LIST, ALLOW_ANY_JSON));

    Decision decision = policy.decide(new PolicyRequest("GET", "/volumes/json", ""));

    assertThat(decision.ruleId()).isEqualTo("allow-any-json");
  }

  @Test
  void ignoresTheQuery() {
    Policy policy = RuleListPolicy.of("test", List.of(ALLOW_LIST));

    assertThat(policy.decide(new PolicyRequest("GET", "/containers/json", "?all=1")).allowed())
        .isTrue();
    assertThat(policy.decide(new PolicyRequest("GET", "/containers", "?/json")).allowed())
        .isFalse();
  }

  @Test
  void decidesByAConditionalRuleOnlyWhenItsQueryHolds() {
    Policy policy =
        RuleListPolicy.of(
            "test",
            List.of(
                RuleParser.parse("deny GET /containers/{container}/logs if follow=1 id=no-follow"),
                RuleParser.parse("allow GET /containers/{container}/logs id=logs"),
                RuleParser.parse("allow GET /containers/{container}/stats if stream=0 id=once")));

    assertThat(decide(policy, "/containers/a/logs", "?follow=true").ruleId())
        .isEqualTo("no-follow");
    assertThat(decide(policy, "/containers/a/logs", "?follow=0").ruleId()).isEqualTo("logs");
    assertThat(decide(policy, "/containers/a/logs", "").ruleId()).isEqualTo("logs");
    assertThat(decide(policy, "/containers/a/stats", "?stream=False").ruleId()).isEqualTo("once");
    assertThat(decide(policy, "/containers/a/stats", "?stream=1"))
        .isEqualTo(
            new Decision(
                Verdict.DENY,
                "-",
                "query-not-allowed",
                "rule 'once' of policy 'test' allows this only if stream=false"));
  }

  @Test
  void neverMatchesAPathBecauseOfItsQuery() {
    Policy policy =
        RuleListPolicy.of(
            "test", List.of(RuleParser.parse("allow GET /containers/json if all=1 id=list")));

    assertThat(decide(policy, "/containers/json", "?all=1").allowed()).isTrue();
    assertThat(decide(policy, "/containers", "?/json&all=1").reason())
        .isEqualTo("no-rule-for-path");
    assertThat(decide(policy, "/containers/x/export", "?all=1&x=/containers/json").reason())
        .isEqualTo("no-rule-for-path");
  }

  @Test
  void letsTheConnectionUpgradeOnlyWhenTheDecidingRuleSaysSo() {
    Policy policy =
        RuleListPolicy.of(
            "test",
            List.of(
                RuleParser.parse("allow POST /exec/{name}/start upgrade id=exec"),
                RuleParser.parse("allow POST /containers/{container}/attach id=attach")));

    assertThat(decide(policy, "POST", "/exec/abc/start", ""))
        .isEqualTo(
            new Decision(Verdict.ALLOW, "exec", "allowed-by-rule", "allowed by rule 'exec'", true));
    assertThat(decide(policy, "POST", "/containers/abc/attach", "").upgrade()).isFalse();
    assertThat(decide(policy, "POST", "/exec/abc/resize", "").upgrade()).isFalse();
  }

  @Test
  void rejectsAnUpgradingDenial() {
    assertThatThrownBy(() -> new Decision(Verdict.DENY, "x", "denied-by-rule", "n", true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("upgrade on a denial: 'x' (only an allow can let a connection upgrade)");
  }

  private static Decision decide(Policy policy, String path, String rawQuery) {
    return decide(policy, "GET", path, rawQuery);
  }

  private static Decision decide(Policy policy, String method, String path, String rawQuery) {
    return policy.decide(new PolicyRequest(method, path, rawQuery));
  }

  @Test
  void keepsItsNameAndRulesInOrder() {
    RuleListPolicy policy = RuleListPolicy.of("test", List.of(DENY_EXPORT, ALLOW_INSPECT));

    assertThat(policy.name()).isEqualTo("test");
    assertThat(policy.rules()).containsExactly(DENY_EXPORT, ALLOW_INSPECT);
    assertThat(policy).hasToString("policy 'test' (2 rules)");
  }

  @Test
  void rejectsDuplicateRuleIds() {
    Rule again = rule("deny-export", Verdict.ALLOW, Set.of("GET"), "/_ping");

    assertThatThrownBy(() -> RuleListPolicy.of("test", List.of(DENY_EXPORT, again)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("duplicate rule id in policy 'test': 'deny-export' (expected unique ids)");
  }

  @Test
  void rejectsBadNames() {
    assertThatThrownBy(() -> RuleListPolicy.of("Read Only", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "bad policy name: 'Read Only' (expected lowercase letters, digits, '.', '_' or '-')");
  }

  private static Rule rule(String id, Verdict verdict, Set<String> methods, String template) {
    return new Rule(id, verdict, methods, PathTemplate.parse(template), "note");
  }
}
