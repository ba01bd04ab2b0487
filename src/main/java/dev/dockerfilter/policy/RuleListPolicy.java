package dev.dockerfilter.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A named, ordered list of rules: the first rule whose path and method both match decides; a
 * request that no rule matches is denied.
 *
 * <p>A rule with query conditions decides only when they hold (see {@link Rule#appliesTo}); when
 * they do not, the next rules are tried.
 *
 * <p>A denial without a deciding rule says which way it missed: {@code query-not-allowed} when an
 * allow rule covers the method and path but not the query (e.g. {@code stats?stream=1} against
 * {@code if stream=false}), {@code method-not-allowed} when some rule's path matches (e.g. {@code
 * POST /containers/abc/json}), else {@code no-rule-for-path} (e.g. {@code GET /libpod/_ping}).
 *
 * <p>Rules are indexed by the first segment of their template, so a request only tries the rules
 * that could match it; rules that start with a placeholder are tried for every request, in their
 * place in the order.
 */
public final class RuleListPolicy implements Policy {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");

  private final String name;
  private final List<Rule> rules;
  private final Map<String, List<Rule>> rulesByFirstSegment;
  private final List<Rule> rulesForAnyFirstSegment;

  private RuleListPolicy(String name, List<Rule> rules) {
    this.name = name;
    this.rules = rules;
    this.rulesByFirstSegment = indexByFirstSegment(rules);
    this.rulesForAnyFirstSegment =
        rules.stream().filter(rule -> rule.path().firstLiteralSegment().isEmpty()).toList();
  }

  /**
   * Creates a policy from rules in the order they are tried.
   *
   * @throws IllegalArgumentException if the name is not a simple lowercase word or two rules share
   *     an id
   */
  public static RuleListPolicy of(String name, List<Rule> rules) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "bad policy name: '" + name + "' (expected lowercase letters, digits, '.', '_' or '-')");
    }
    List<Rule> copy = List.copyOf(Objects.requireNonNull(rules, "rules"));
    Set<String> ids = new HashSet<>();
    for (Rule rule : copy) {
      if (!ids.add(rule.id())) {
        throw new IllegalArgumentException(
            "duplicate rule id in policy '"
                + name
                + "': '"
                + rule.id()
                + "' (expected unique ids)");
      }
    }
    return new RuleListPolicy(name, copy);
  }

  @Override
  public String name() {
    return name;
  }

  /** The rules in the order they are tried. Unmodifiable. */
  public List<Rule> rules() {
    return rules;
  }

  @Override
  public Decision decide(PolicyRequest request) {
    List<Rule> candidates = candidatesFor(request.path());
    QueryParameters query = null;
    Rule narrowedAllow = null;

    for (Rule rule : candidates) {
      if (!rule.matches(request.method(), request.path())) {
        continue;
      }
      if (rule.conditions().isEmpty()) {
        return decisionBy(rule);
      }
      // Parsed once, and only when a rule with conditions is reached.
      query = query == null ? QueryParameters.parse(request.rawQuery()) : query;
      if (rule.appliesTo(query)) {
        return decisionBy(rule);
      }
      if (narrowedAllow == null && rule.verdict() == Verdict.ALLOW) {
        narrowedAllow = rule;
      }
    }

    if (narrowedAllow != null) {
      return denyByQuery(narrowedAllow);
    }
    return denyUnmatched(candidates, request.path());
  }

  @Override
  public String toString() {
    return "policy '" + name + "' (" + rules.size() + " rules)";
  }

  private List<Rule> candidatesFor(String path) {
    // "/containers/abc/json" -> "containers". A path without a leading '/' matches no template.
    if (!path.startsWith("/")) {
      return List.of();
    }
    int end = path.indexOf('/', 1);
    String firstSegment = end < 0 ? path.substring(1) : path.substring(1, end);
    return rulesByFirstSegment.getOrDefault(firstSegment, rulesForAnyFirstSegment);
  }

  private static Decision decisionBy(Rule rule) {
    boolean allow = rule.verdict() == Verdict.ALLOW;
    String reason = allow ? Decision.ALLOWED_BY_RULE : Decision.DENIED_BY_RULE;
    String note =
        rule.note().isEmpty()
            ? (allow ? "allowed" : "denied") + " by rule '" + rule.id() + "'"
            : rule.note();
    return new Decision(rule.verdict(), rule.id(), reason, note, rule.upgrade());
  }

  private Decision denyByQuery(Rule rule) {
    // The query is client input: the note names only what the rule asks for.
    List<String> conditions = rule.conditions().stream().map(QueryCondition::format).toList();
    String note =
        "rule '"
            + rule.id()
            + "' of policy '"
            + name
            + "' allows this only if "
            + String.join(" and ", conditions);
    return new Decision(Verdict.DENY, Decision.NO_RULE, Decision.QUERY_NOT_ALLOWED, note);
  }

  private Decision denyUnmatched(List<Rule> candidates, String path) {
    boolean pathMatched = false;
    Set<String> allowedMethods = new TreeSet<>();
    for (Rule rule : candidates) {
      if (rule.path().matches(path)) {
        pathMatched = true;
        if (rule.verdict() == Verdict.ALLOW) {
          allowedMethods.addAll(rule.methods());
        }
      }
    }

    if (!pathMatched) {
      String note = "no rule of policy '" + name + "' matches this path";
      return new Decision(Verdict.DENY, Decision.NO_RULE, Decision.NO_RULE_FOR_PATH, note);
    }
    // The method is client input: the note names only what the policy allows.
    String note = "no rule of policy '" + name + "' allows this method on this path";
    if (!allowedMethods.isEmpty()) {
      note += " (allowed: " + String.join(", ", allowedMethods) + ")";
    }
    return new Decision(Verdict.DENY, Decision.NO_RULE, Decision.METHOD_NOT_ALLOWED, note);
  }

  private static Map<String, List<Rule>> indexByFirstSegment(List<Rule> rules) {
    // Each literal first segment gets its own rules plus those starting with a placeholder, still
    // in policy order, so the index never changes which rule comes first.
    Map<String, List<Rule>> index = new HashMap<>();
    for (Rule rule : rules) {
      rule.path().firstLiteralSegment().ifPresent(first -> index.put(first, new ArrayList<>()));
    }
    for (Rule rule : rules) {
      var first = rule.path().firstLiteralSegment();
      if (first.isPresent()) {
        index.get(first.get()).add(rule);
      } else {
        index.values().forEach(list -> list.add(rule));
      }
    }
    index.replaceAll((first, list) -> List.copyOf(list));
    return Map.copyOf(index);
  }
}
