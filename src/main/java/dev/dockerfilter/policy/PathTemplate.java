package dev.dockerfilter.policy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A canonical path pattern made of literal segments and Docker-aware placeholders, matched exactly:
 * anchored at both ends, case-sensitive, on the path only (never the query).
 *
 * <p>Example: {@code /images/{image}/json} matches {@code /images/localtest/busybox/json} and
 * {@code /images/reg.example:5000/team/app:1.2/json}, but not {@code /images/x/get}.
 *
 * <p>Placeholders, each filling one whole segment of the template:
 *
 * <ul>
 *   <li>{@code {container}}: one segment, a container id or name ({@code my_app.1}, {@code
 *       4c01db});
 *   <li>{@code {image}}: an image reference or id; may span several segments ({@code
 *       localhost:5000/team/app:1.2@sha256:…}, {@code sha256:4c01db…});
 *   <li>{@code {plugin}}: a plugin reference, same grammar as {@code {image}};
 *   <li>{@code {name}}: one segment naming a network, volume, config, node, service, task or exec;
 *   <li>{@code {any}}: exactly one non-empty segment of any characters (meant for deny rules).
 * </ul>
 */
public final class PathTemplate {

  private static final String EXPECTED_FORM =
      "'/' then segments separated by '/', each a literal of URI path characters or one of "
          + "{container}, {image}, {plugin}, {name}, {any}";

  /** Characters a literal segment may hold: RFC 3986 pchar without percent-encoding. */
  private static final Pattern LITERAL_SEGMENT = Pattern.compile("[A-Za-z0-9._~!$&'()*+,;=:@-]+");

  /** Docker's own grammar for container, volume and most object names; ids are a subset. */
  private static final String OBJECT_NAME = "[a-zA-Z0-9][a-zA-Z0-9_.-]*+";

  // The image grammar follows the engine's reference parser (distribution/reference): a registry
  // host with an optional port, lowercase path components, an optional tag and an optional digest.
  // Quantifiers inside one component are possessive: no character after a component can belong to
  // it, so giving one back never helps, and hostile input cannot make the matcher backtrack far.
  private static final String DOMAIN_COMPONENT = "[a-zA-Z0-9]++(?:-++[a-zA-Z0-9]++)*+";
  private static final String DOMAIN =
      DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*+(?::[0-9]++)?+";
  private static final String PATH_COMPONENT = "[a-z0-9]++(?:(?:__|[._]|-++)[a-z0-9]++)*+";
  private static final String TAG = ":[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}+";
  private static final String DIGEST =
      "@[A-Za-z][A-Za-z0-9]*+(?:[-_+.][A-Za-z][A-Za-z0-9]*+)*+:[0-9a-fA-F]{32,}+";
  // The repetition of components is greedy, not possessive, because the template's next segments
  // may look like components ("/images/{image}/json"). Java's matcher recurses once per repetition
  // of such a group, so the count is bounded, which also bounds the stack: a name is at most 255
  // characters for the engine, hence at most 128 components.
  private static final String REFERENCE =
      "(?:"
          + DOMAIN
          + "/)?"
          + PATH_COMPONENT
          + "(?:/"
          + PATH_COMPONENT
          + "){0,127}"
          + "(?:"
          + TAG
          + ")?"
          + "(?:"
          + DIGEST
          + ")?";
  // A short hex id is already a reference (one path component), and so, by accident of grammar, is
  // "sha256:<hex>" (name "sha256", tag "<hex>"); the engine resolves it as an id, so that form is
  // spelled out to be matched on purpose.
  private static final String IMAGE = "(?:" + REFERENCE + "|sha256:[0-9a-f]{1,64}+)";

  private static final Map<String, String> PLACEHOLDERS =
      Map.of(
          "container", OBJECT_NAME,
          "image", IMAGE,
          "plugin", IMAGE,
          "name", OBJECT_NAME,
          "any", "[^/]++");

  private final String text;
  private final List<String> segments;
  private final Pattern pattern;

  private PathTemplate(String text, List<String> segments, Pattern pattern) {
    this.text = text;
    this.segments = segments;
    this.pattern = pattern;
  }

  /**
   * Parses a template such as {@code /containers/{container}/json}.
   *
   * @throws IllegalArgumentException if the text is not a valid template; the message quotes it
   */
  public static PathTemplate parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("path template is null (expected " + EXPECTED_FORM + ")");
    }

    // "/containers/{container}/json" -> ["containers", "{container}", "json"]
    if (!text.startsWith("/")) {
      throw invalid("path template must start with '/'", text);
    }
    List<String> segments = List.of(text.substring(1).split("/", -1));

    StringBuilder regex = new StringBuilder();
    for (String segment : segments) {
      regex.append('/').append(segmentRegex(segment, text));
    }
    return new PathTemplate(text, segments, Pattern.compile(regex.toString()));
  }

  /** Returns true if the canonical path matches this template in full. */
  public boolean matches(String path) {
    return pattern.matcher(path).matches();
  }

  /**
   * The first segment when it is a literal, e.g. {@code containers} for {@code
   * /containers/{container}/json}; empty when the template starts with a placeholder.
   */
  public Optional<String> firstLiteralSegment() {
    String first = segments.get(0);
    return isPlaceholder(first) ? Optional.empty() : Optional.of(first);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PathTemplate that && text.equals(that.text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  /** The template exactly as parsed, e.g. {@code /images/{image}/json}. */
  @Override
  public String toString() {
    return text;
  }

  private static String segmentRegex(String segment, String text) {
    if (segment.isEmpty()) {
      throw invalid("empty segment in path template", text);
    }

    // "{image}" -> the image reference grammar, possibly spanning several path segments.
    if (isPlaceholder(segment)) {
      String placeholderRegex = PLACEHOLDERS.get(segment.substring(1, segment.length() - 1));
      if (placeholderRegex == null) {
        throw invalid("unknown placeholder " + segment + " in path template", text);
      }
      return placeholderRegex;
    }

    // "json" -> itself. Dot segments never survive canonicalisation, so they could never match.
    if (segment.equals(".") || segment.equals("..")) {
      throw invalid("dot segment in path template", text);
    }
    if (!LITERAL_SEGMENT.matcher(segment).matches()) {
      throw invalid("bad character in literal segment '" + segment + "' of path template", text);
    }
    return Pattern.quote(segment);
  }

  private static boolean isPlaceholder(String segment) {
    return segment.length() >= 2 && segment.startsWith("{") && segment.endsWith("}");
  }

  private static IllegalArgumentException invalid(String whatIsWrong, String text) {
    return new IllegalArgumentException(
        whatIsWrong + ": '" + text + "' (expected " + EXPECTED_FORM + ")");
  }
}
