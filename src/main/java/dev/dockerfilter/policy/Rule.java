package dev.dockerfilter.policy;

import java.util.Collections;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One line of a policy: allow or deny a set of methods on a path template.
 *
 * <p>Printed by {@link #format()} as {@code <verdict> <METHOD,…> <template> # id=<id>: <note>},
 * e.g. {@code allow GET,HEAD /containers/{container}/json # id=allow-container-inspect: …}. No
 * field may hold the characters that separate the next one, so the line reads back one way only.
 *
 * @param id a unique name for logs and denials, e.g. {@code deny-container-export}
 * @param verdict what a match decides
 * @param methods the methods this rule covers, matched case-sensitively (RFC 9110 §9.1); kept
 *     sorted
 * @param path the path template the canonical path must match in full
 * @param note one sentence saying why the rule exists
 */
public record Rule(
    String id, Verdict verdict, Set<String> methods, PathTemplate path, String note) {

  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]*");

  /** RFC 9110 §5.6.2 token: the grammar of a method name. */
  private static final Pattern METHOD = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  public Rule {
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(path, "path");
    checkId(id);
    methods = checkedMethods(id, methods);
    checkNote(id, note);
  }

  /** Returns true if this rule covers the method and the path; the query never takes part. */
  public boolean matches(String method, String canonicalPath) {
    return methods.contains(method) && path.matches(canonicalPath);
  }

  /**
   * One line of readable rule syntax, e.g. {@code deny GET,HEAD /containers/{any}/export #
   * id=deny-container-export: streams the container's whole filesystem as a tar archive}.
   */
  public String format() {
    return verdict.name().toLowerCase(Locale.ROOT)
        + ' '
        + String.join(",", methods)
        + ' '
        + path
        + "  # id="
        + id
        + ": "
        + note;
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
    if (note == null || note.isBlank()) {
      throw new IllegalArgumentException(
          "rule has no note: '" + id + "' (expected one sentence saying why it exists)");
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
