package dev.dockerfilter.policy;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One line of a policy: allow or deny a set of methods on a path template, optionally only when
 * query conditions hold, optionally letting the connection upgrade.
 *
 * <p>Printed by {@link #format()} in the rule syntax that {@link RuleParser} reads, e.g. {@code
 * allow GET,HEAD /containers/{container}/stats if stream=false id=stats-once -- one sample}.
 *
 * @param id a unique name for logs and denials, e.g. {@code deny-container-export}
 * @param verdict what a match decides
 * @param methods the methods this rule covers, matched case-sensitively (RFC 9110 §9.1); kept
 *     sorted
 * @param path the path template the canonical path must match in full
 * @param conditions query conditions that must all hold for the rule to apply; they only narrow
 * @param upgrade whether an allowed request may switch protocols ({@code 101}); allow rules only
 * @param note one sentence saying why the rule exists, or "" for none
 */
public record Rule(
    String id,
    Verdict verdict,
    Set<String> methods,
    PathTemplate path,
    List<QueryCondition> conditions,
    boolean upgrade,
    String note) {

  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]*");

  /** RFC 9110 §5.6.2 token: the grammar of a method name. */
  private static final Pattern METHOD = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  public Rule {
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(path, "path");
    checkId(id);
    methods = checkedMethods(id, methods);
    conditions = List.copyOf(Objects.requireNonNull(conditions, "conditions"));
    if (upgrade && verdict != Verdict.ALLOW) {
      throw new IllegalArgumentException(
          "upgrade on a deny rule: '" + id + "' (only an allow rule can let a connection upgrade)");
    }
    checkNote(id, note);
  }

  /** A rule without query conditions or upgrade. */
  public Rule(String id, Verdict verdict, Set<String> methods, PathTemplate path, String note) {
    this(id, verdict, methods, path, List.of(), false, note);
  }

  /** Returns true if this rule covers the method and the path; the query never takes part. */
  public boolean matches(String method, String canonicalPath) {
    return methods.contains(method) && path.matches(canonicalPath);
  }

  /**
   * Whether a request this rule {@linkplain #matches covers} is decided by it, given its query: an
   * allow rule needs every condition true; a deny rule applies unless some condition is false, so a
   * query that cannot be read for sure ({@link Truth#UNKNOWN}) is denied.
   */
  public boolean appliesTo(String rawQuery) {
    return appliesTo(QueryParameters.parse(rawQuery));
  }

  boolean appliesTo(QueryParameters query) {
    if (conditions.isEmpty()) {
      return true;
    }
    Truth all = Truth.TRUE;
    for (QueryCondition condition : conditions) {
      all = all.and(condition.test(query));
    }
    return verdict == Verdict.ALLOW ? all == Truth.TRUE : all != Truth.FALSE;
  }

  /**
   * The rule in one line of rule syntax, e.g. {@code deny GET,HEAD /containers/{any}/export
   * id=deny-container-export -- streams the container's whole filesystem as a tar archive}.
   */
  public String format() {
    StringBuilder line = new StringBuilder(96);
    line.append(verdict.name().toLowerCase(Locale.ROOT));
    line.append(' ').append(String.join(",", methods));
    line.append(' ').append(path);
    for (int i = 0; i < conditions.size(); i++) {
      line.append(i == 0 ? " if " : " and ").append(conditions.get(i).format());
    }
    if (upgrade) {
      line.append(" upgrade");
    }
    line.append(" id=").append(id);
    if (!note.isEmpty()) {
      line.append(" -- ").append(note);
    }
    return line.toString();
  }

  /** This rule with another id, e.g. to give a parsed rule without one its place's name. */
  public Rule withId(String newId) {
    return new Rule(newId, verdict, methods, path, conditions, upgrade, note);
  }

  @Override
  public String toString() {
    return format();
  }

  private static void checkId(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "bad rule id: '" + id + "' (expected lowercase letters, digits, '.', '_' or '-')");
    }
  }

  private static Set<String> checkedMethods(String id, Set<String> methods) {
    if (methods == null || methods.isEmpty()) {
      throw new IllegalArgumentException(
          "rule has no methods: '" + id + "' (expected at least one, e.g. GET)");
    }
    for (String method : methods) {
      if (method == null || !METHOD.matcher(method).matches()) {
        throw new IllegalArgumentException(
            "bad method in rule '" + id + "': '" + method + "' (expected an RFC 9110 token)");
      }
    }
    return Collections.unmodifiableSet(new TreeSet<>(methods));
  }

  private static void checkNote(String id, String note) {
    Objects.requireNonNull(note, "note");
    if (!note.equals(note.strip())) {
      throw new IllegalArgumentException(
          "note of rule '"
              + id
              + "' starts or ends with a space: '"
              + escapeControls(note)
              + "' (expected trimmed text, or \"\" for no note)");
    }
    if (note.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(
          "control character in note of rule '"
              + id
              + "': '"
              + escapeControls(note)
              + "' (expected one line of text)");
    }
  }

  private static String escapeControls(String text) {
    StringBuilder escaped = new StringBuilder();
    for (char c : text.toCharArray()) {
      if (Character.isISOControl(c)) {
        escaped.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        escaped.append(c);
      }
    }
    return escaped.toString();
  }
}
