package dev.dockerfilter.policy;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One condition on a query parameter, which can only narrow the rule it belongs to: a rule's path
 * and method must match on their own, and its conditions then decide whether the rule applies.
 *
 * <p>Forms, as written in a rule:
 *
 * <ul>
 *   <li>{@code stream=false}: present, and its first value is one of the listed values;
 *   <li>{@code follow!=true}: absent, or its first value is none of the listed values;
 *   <li>{@code fromImage=*}: present with a non-empty value;
 *   <li>{@code !fromSrc}: absent.
 * </ul>
 *
 * <p>A list of values made only of {@code true}, {@code false}, {@code 1} and {@code 0} (any case)
 * is a boolean test, compared the way the engine reads booleans ({@code httputils.BoolValue}): "",
 * {@code 0}, {@code no}, {@code false} and {@code none} are false in any case, anything else is
 * true. Only {@code f}, which Go's {@code strconv.ParseBool} reads as false and {@code BoolValue}
 * as true, is {@link Truth#UNKNOWN}. Other values are compared exactly, after decoding.
 *
 * <p>Conditions see the query only. For POST, PUT and PATCH the engine's Go server also reads a
 * body of type {@code application/x-www-form-urlencoded} into the same parameters, body first; the
 * proxy therefore refuses every form body before a policy sees the request ({@code
 * http.RequestHead}).
 *
 * @param name the parameter name, case-sensitive as in the engine, e.g. {@code stream}
 * @param operator how the parameter is tested
 * @param values the values for {@code =} and {@code !=}, in the order written; booleans are kept as
 *     {@code true} or {@code false}; empty for the other operators
 */
public record QueryCondition(String name, Operator operator, List<String> values) {

  /** How a condition tests its parameter. */
  public enum Operator {
    EQUALS,
    NOT_EQUALS,
    PRESENT,
    ABSENT
  }

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9._~:/@-]+");
  private static final Set<String> BOOLEAN_WORDS = Set.of("true", "false", "1", "0");
  private static final Set<String> ENGINE_FALSE = Set.of("", "0", "no", "false", "none");

  public QueryCondition {
    Objects.requireNonNull(operator, "operator");
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "bad query parameter name: '" + name + "' (expected letters, digits, '.', '_' or '-')");
    }
    values = checkedValues(name, operator, values);
  }

  /** {@code name=value|value…}; a boolean word is stored as {@code true} or {@code false}. */
  public static QueryCondition equalTo(String name, String... values) {
    return new QueryCondition(name, Operator.EQUALS, List.of(values));
  }

  /** {@code name!=value|value…}. */
  public static QueryCondition notEqualTo(String name, String... values) {
    return new QueryCondition(name, Operator.NOT_EQUALS, List.of(values));
  }

  /** {@code name=*}. */
  public static QueryCondition present(String name) {
    return new QueryCondition(name, Operator.PRESENT, List.of());
  }

  /** {@code !name}. */
  public static QueryCondition absent(String name) {
    return new QueryCondition(name, Operator.ABSENT, List.of());
  }

  /** Whether the values are booleans, compared as the engine reads booleans. */
  public boolean isBoolean() {
    return !values.isEmpty() && (values.get(0).equals("true") || values.get(0).equals("false"));
  }

  /** Judges the condition on a query, e.g. {@code ?stream=0} for {@code stream=false}. */
  public Truth test(String rawQuery) {
    return test(QueryParameters.parse(rawQuery));
  }

  Truth test(QueryParameters query) {
    if (!query.readable()) {
      return Truth.UNKNOWN;
    }
    Optional<String> value = query.first(name);
    return switch (operator) {
      case PRESENT -> Truth.of(value.isPresent() && !value.get().isEmpty());
      case ABSENT -> Truth.of(value.isEmpty());
      case EQUALS -> value.isEmpty() ? Truth.FALSE : matchesOneOf(value.get());
      case NOT_EQUALS -> value.isEmpty() ? Truth.TRUE : matchesOneOf(value.get()).not();
    };
  }

  /** The condition as written in a rule, e.g. {@code stream=false} or {@code !fromSrc}. */
  public String format() {
    return switch (operator) {
      case PRESENT -> name + "=*";
      case ABSENT -> "!" + name;
      case EQUALS -> name + "=" + String.join("|", values);
      case NOT_EQUALS -> name + "!=" + String.join("|", values);
    };
  }

  @Override
  public String toString() {
    return format();
  }

  private Truth matchesOneOf(String value) {
    if (!isBoolean()) {
      return Truth.of(values.contains(value));
    }
    Truth engineReading = readAsEngineBoolean(value);
    if (engineReading == Truth.UNKNOWN) {
      return Truth.UNKNOWN;
    }
    String reading = engineReading == Truth.TRUE ? "true" : "false";
    return Truth.of(values.contains(reading));
  }

  private static Truth readAsEngineBoolean(String value) {
    // Go's strings.TrimSpace, then ToLower. Java's strip() trims other characters (U+001C to
    // U+001F) than Go does, and Unicode case mappings differ between the two, so anything outside
    // ASCII after the trim is left undecided rather than guessed.
    String word = trimGoSpace(value);
    if (!word.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
      return Truth.UNKNOWN;
    }
    word = word.toLowerCase(Locale.ROOT);
    if (word.equals("f")) {
      return Truth.UNKNOWN;
    }
    return Truth.of(!ENGINE_FALSE.contains(word));
  }

  private static String trimGoSpace(String value) {
    int start = 0;
    int end = value.length();
    while (start < end && isGoSpace(value.charAt(start))) {
      start++;
    }
    while (end > start && isGoSpace(value.charAt(end - 1))) {
      end--;
    }
    return value.substring(start, end);
  }

  /** Go's unicode.IsSpace: '\t' to '\r', U+0085 and the Unicode space separators. */
  private static boolean isGoSpace(char c) {
    return (c >= '\t' && c <= '\r') || c == 0x85 || Character.isSpaceChar(c);
  }

  private static List<String> checkedValues(String name, Operator operator, List<String> values) {
    Objects.requireNonNull(values, "values");
    boolean needsValues = operator == Operator.EQUALS || operator == Operator.NOT_EQUALS;
    if (!needsValues) {
      if (!values.isEmpty()) {
        throw new IllegalArgumentException(
            "values given to a presence test of '" + name + "': '" + values + "' (expected none)");
      }
      return List.of();
    }
    if (values.isEmpty()) {
      throw new IllegalArgumentException(
          "no value to compare '" + name + "' with: '' (expected e.g. " + name + "=false)");
    }
    for (String value : values) {
      if (value == null || !VALUE.matcher(value).matches()) {
        throw new IllegalArgumentException(
            "bad value for query parameter '"
                + name
                + "': '"
                + value
                + "' (expected letters, digits and . _ ~ : / @ -, or * alone for any value)");
      }
    }
    return canonical(name, values);
  }

  private static List<String> canonical(String name, List<String> values) {
    // "stream=0|False" -> ["false"]: a boolean is compared by meaning, never by spelling.
    // "tail=all|0" -> strings: 0 and 1 are booleans only among booleans.
    long booleans =
        values.stream().filter(v -> BOOLEAN_WORDS.contains(v.toLowerCase(Locale.ROOT))).count();
    if (booleans != values.size()) {
      boolean namedBoolean =
          values.stream().anyMatch(v -> v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false"));
      if (namedBoolean) {
        throw new IllegalArgumentException(
            "true or false mixed with other values for '"
                + name
                + "': '"
                + String.join("|", values)
                + "' (expected only booleans, or no true/false at all)");
      }
      return List.copyOf(values);
    }
    List<String> meanings =
        values.stream()
            .map(v -> v.toLowerCase(Locale.ROOT))
            .map(v -> v.equals("1") || v.equals("true") ? "true" : "false")
            .distinct()
            .toList();
    if (meanings.size() > 1) {
      throw new IllegalArgumentException(
          "'"
              + name
              + "' compared with both true and false: '"
              + String.join("|", values)
              + "' (expected one of them; "
              + name
              + "=* tests presence)");
    }
    return meanings;
  }
}
