package dev.dockerfilter.policy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one rule written on one line, the form {@link Rule#format()} prints.
 *
 * <p>Example: {@code allow GET,HEAD /containers/{container}/stats if stream=false id=stats-once --
 * one sample, never a stream}.
 *
 * <pre>
 * rule      = verdict methods path *clause
 * verdict   = "allow" / "deny"
 * methods   = METHOD *("," METHOD)            ; upper case, e.g. GET,HEAD
 * path      = a path template, e.g. /containers/{container}/json
 * clause    = "if" condition *("and" condition)
 *           / "upgrade"                       ; allow rules only
 *           / "id=" ID                        ; lowercase letters, digits, . _ -
 *           / "--" NOTE                       ; last: the note runs to the end of the line
 * condition = NAME "=" values / NAME "!=" values / NAME "=*" / "!" NAME
 * values    = VALUE *("|" VALUE)
 * </pre>
 *
 * Words are separated by spaces or tabs. The {@code if}, {@code upgrade} and {@code id=} clauses
 * may come in any order; {@code format()} prints them in the order above.
 */
public final class RuleParser {

  private static final Pattern WORD = Pattern.compile("\\S+");
  private static final Pattern UPPER_CASE_TOKEN = Pattern.compile("[A-Z][A-Z0-9_-]*");
  private static final String CLAUSES = "if CONDITION, upgrade, id=NAME or -- NOTE";

  private final String line;
  private final List<Word> words;
  private int next;

  private RuleParser(String line) {
    this.line = line;
    this.words = split(line);
  }

  /**
   * Reads a rule that names its id.
   *
   * @throws RuleSyntaxException naming the offending word, its column and the expected form
   */
  public static Rule parse(String line) {
    return new RuleParser(line).rule("");
  }

  /** Reads a rule; one without {@code id=} gets DEFAULT_ID, e.g. {@code my-policy.3}. */
  public static Rule parse(String line, String defaultId) {
    return new RuleParser(line).rule(defaultId);
  }

  private Rule rule(String defaultId) {
    // "allow GET,HEAD /containers/{container}/json ..." -> verdict, methods, path.
    Verdict verdict = verdict();
    Set<String> methods = methods();
    PathTemplate path = path();

    // "if stream=false and one-shot=1 upgrade id=stats-once -- note" in any order, note last.
    Clauses clauses = clauses();

    String id = clauses.id.isEmpty() ? defaultId : clauses.id;
    if (id.isEmpty()) {
      throw missingId();
    }
    try {
      return new Rule(
          id, verdict, methods, path, clauses.conditions, clauses.upgrade, clauses.note);
    } catch (IllegalArgumentException e) {
      throw new RuleSyntaxException(e.getMessage(), 1);
    }
  }

  private Verdict verdict() {
    Word word = expect("rule is empty", "allow or deny, e.g. allow GET /_ping id=ping");
    return switch (word.text) {
      case "allow" -> Verdict.ALLOW;
      case "deny" -> Verdict.DENY;
      default -> throw error("unknown verdict", word, "allow or deny, in lower case");
    };
  }

  private Set<String> methods() {
    Word word = expect("rule ends before its methods", "methods such as GET,HEAD");
    Set<String> methods = new LinkedHashSet<>();
    for (String method : word.text.split(",", -1)) {
      if (!UPPER_CASE_TOKEN.matcher(method).matches()) {
        throw error(
            "bad method",
            word,
            "methods in upper case joined by ',' without spaces, e.g. GET,HEAD; methods are"
                + " case-sensitive");
      }
      if (!methods.add(method)) {
        throw error("method listed twice", word, "each method once");
      }
    }
    return methods;
  }

  private PathTemplate path() {
    Word word = expect("rule ends before its path", "a path such as /containers/{container}/json");
    try {
      return PathTemplate.parse(word.text);
    } catch (IllegalArgumentException e) {
      throw new RuleSyntaxException(
          "at column " + word.column + ": " + e.getMessage(), word.column);
    }
  }

  private Clauses clauses() {
    Clauses clauses = new Clauses();
    while (next < words.size()) {
      Word word = words.get(next++);
      if (word.text.equals("--")) {
        clauses.note = note(word);
        return clauses;
      } else if (word.text.equals("if")) {
        ifClause(word, clauses);
      } else if (word.text.equals("upgrade")) {
        once(clauses.upgrade, word, "a rule says upgrade once");
        clauses.upgrade = true;
      } else if (word.text.startsWith("id=")) {
        once(!clauses.id.isEmpty(), word, "a rule has one id");
        clauses.id = word.text.substring(3);
        if (clauses.id.isEmpty()) {
          throw error("empty id", word, "id=NAME, e.g. id=allow-stats");
        }
      } else if (word.text.equals("and")) {
        throw error("'and' outside a condition list", word, "if CONDITION and CONDITION");
      } else if (looksLikeCondition(word.text)) {
        throw error("condition without 'if'", word, "if " + word.text);
      } else {
        throw error("unexpected word", word, CLAUSES);
      }
    }
    return clauses;
  }

  private void ifClause(Word ifWord, Clauses clauses) {
    once(!clauses.conditions.isEmpty(), ifWord, "one 'if', its conditions joined by 'and'");
    clauses.conditions.add(condition(ifWord));
    while (next < words.size()) {
      Word word = words.get(next);
      if (word.text.equals("and")) {
        next++;
        clauses.conditions.add(condition(word));
      } else if (looksLikeCondition(word.text) && !word.text.startsWith("id=")) {
        throw error("conditions must be joined by 'and'", word, "if a=1 and b=2");
      } else {
        return;
      }
    }
  }

  private QueryCondition condition(Word before) {
    if (next >= words.size()) {
      throw error(
          "'" + before.text + "' without a condition",
          before,
          "NAME=VALUE, NAME!=VALUE, NAME=* or !NAME after it");
    }
    Word word = words.get(next++);
    try {
      return parseCondition(word.text);
    } catch (IllegalArgumentException e) {
      throw new RuleSyntaxException(
          "at column " + word.column + ": " + e.getMessage(), word.column);
    }
  }

  /**
   * Reads {@code stream=false}, {@code follow!=1|true}, {@code fromImage=*} or {@code !fromSrc}.
   */
  static QueryCondition parseCondition(String text) {
    if (text.startsWith("!")) {
      if (text.contains("=")) {
        throw new IllegalArgumentException(
            "'!' with a value: '" + text + "' (expected !NAME alone, or NAME!=VALUE)");
      }
      return QueryCondition.absent(text.substring(1));
    }
    int notEquals = text.indexOf("!=");
    if (notEquals > 0) {
      return QueryCondition.notEqualTo(
          text.substring(0, notEquals), values(text.substring(notEquals + 2)));
    }
    int equals = text.indexOf('=');
    if (equals < 0) {
      throw new IllegalArgumentException(
          "condition without '=': '"
              + text
              + "' (expected NAME=VALUE, NAME!=VALUE, NAME=* or !NAME)");
    }
    String name = text.substring(0, equals);
    String rest = text.substring(equals + 1);
    if (rest.equals("*")) {
      return QueryCondition.present(name);
    }
    return QueryCondition.equalTo(name, values(rest));
  }

  private static String[] values(String text) {
    return text.split("\\|", -1);
  }

  private String note(Word dashes) {
    int start = dashes.column - 1 + dashes.text.length();
    String note = line.substring(start).strip();
    if (note.isEmpty()) {
      throw error("'--' without a note", dashes, "a note after '--', or neither");
    }
    next = words.size();
    return note;
  }

  private static boolean looksLikeCondition(String text) {
    return text.contains("=") || text.startsWith("!");
  }

  private void once(boolean alreadySeen, Word word, String expected) {
    if (alreadySeen) {
      throw error("'" + word.text + "' given twice", word, expected);
    }
  }

  private Word expect(String whatIsWrong, String expected) {
    if (next >= words.size()) {
      throw new RuleSyntaxException(
          whatIsWrong + ": '" + line.strip() + "' (expected " + expected + ")", line.length() + 1);
    }
    return words.get(next++);
  }

  private RuleSyntaxException missingId() {
    return new RuleSyntaxException(
        "rule has no id: '" + line.strip() + "' (add id=NAME, e.g. id=allow-stats)",
        line.length() + 1);
  }

  private static RuleSyntaxException error(String whatIsWrong, Word word, String expected) {
    return new RuleSyntaxException(
        whatIsWrong
            + " at column "
            + word.column
            + ": '"
            + word.text
            + "' (expected "
            + expected
            + ")",
        word.column);
  }

  private static List<Word> split(String line) {
    if (line == null) {
      throw new RuleSyntaxException("rule is null (expected one line of rule syntax)", 1);
    }
    if (line.chars().anyMatch(c -> c == '\n' || c == '\r')) {
      throw new RuleSyntaxException(
          "line break in rule: '"
              + line.strip().replace("\n", "\\n").replace("\r", "\\r")
              + "'"
              + " (expected one rule per line)",
          1);
    }
    List<Word> words = new ArrayList<>();
    Matcher matcher = WORD.matcher(line);
    while (matcher.find()) {
      words.add(new Word(matcher.group(), matcher.start() + 1));
    }
    return words;
  }

  /** A run of non-space characters and the 1-based column it starts at. */
  private record Word(String text, int column) {}

  /** What the clauses after the path said. */
  private static final class Clauses {
    final List<QueryCondition> conditions = new ArrayList<>();
    boolean upgrade;
    String id = "";
    String note = "";
  }
}
