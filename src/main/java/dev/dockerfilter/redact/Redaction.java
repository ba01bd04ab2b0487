package dev.dockerfilter.redact;

import dev.dockerfilter.policy.Decision;
import dev.dockerfilter.policy.PathTemplate;
import dev.dockerfilter.policy.PolicyRequest;
import dev.dockerfilter.policy.QueryParameters;
import dev.dockerfilter.policy.Verdict;
import java.io.InputStream;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a listener hides from its clients in the engine's answers, for example {@code --redact all
 * --redact-keep-env DD_ENV}: every environment variable's value in inspect answers except {@code
 * DD_ENV}'s, the swarm's join tokens, and logs, which it refuses because their text cannot be told
 * apart from a secret.
 *
 * <p>The rewriting itself is {@link JsonRedactor}'s; this class says which exchanges it applies to.
 */
public final class Redaction {

  /** What can be hidden, named as in {@code --redact env,swarm,logs}. */
  public enum Secret {
    /**
     * Values of environment variables: {@code Config.Env} of containers, images, services; and the
     * {@code ENV} and {@code ARG} lines of an image's Dockerfile, wherever the engine shows them.
     */
    ENV("env"),
    /** The swarm's worker and manager join tokens in {@code GET /swarm}. */
    SWARM("swarm"),
    /** Container, service and task logs: refused, as they cannot be redacted. */
    LOGS("logs");

    private final String word;

    Secret(String word) {
      this.word = word;
    }

    public String word() {
      return word;
    }
  }

  /** Nothing hidden: every answer passes unchanged. */
  public static final Redaction OFF = new Redaction(EnumSet.noneOf(Secret.class), Set.of());

  /** The rule id that a refusal of logs shows in the access log and in {@code explain}. */
  public static final String LOGS_RULE_ID = "redact-logs";

  /** The reason code of that refusal. */
  public static final String LOGS_REASON = "logs-not-redactable";

  /** The rule id of a refused {@code top} whose {@code ps} arguments print environments. */
  public static final String TOP_RULE_ID = "redact-top";

  /** The reason code of that refusal. */
  public static final String TOP_REASON = "ps-env-not-redactable";

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");

  // Answers that hold environment variables or join tokens. The rewrite walks the whole JSON
  // document, so a field that moves between API versions is still found. The container list and
  // disk usage show each container's command, which for a classic build's container is the
  // Dockerfile step it commits ("/bin/sh -c '#(nop) ' 'ENV A=1'"). Container inspect is listed
  // twice: the engine also resolves a legacy link alias ("web/db") to the linked container, and
  // the presets let such names through for docker inspect's image fallback.
  private static final List<PathTemplate> REWRITTEN =
      List.of(
              "/containers/json",
              "/system/df",
              "/containers/{container}/json",
              "/containers/{image}/json",
              "/images/{image}/json",
              "/images/{image}/history",
              "/services",
              "/services/{name}",
              "/tasks",
              "/tasks/{name}",
              "/plugins",
              "/plugins/{plugin}/json",
              "/swarm")
          .stream()
          .map(PathTemplate::parse)
          .toList();

  private static final List<PathTemplate> LOGS =
      List.of("/containers/{container}/logs", "/services/{name}/logs", "/tasks/{name}/logs")
          .stream()
          .map(PathTemplate::parse)
          .toList();

  // The engine runs the host's ps with the client's ps_args; "ps e" (BSD syntax, alone or in a
  // group such as "auxe") prints each process's environment after its command.
  private static final PathTemplate TOP = PathTemplate.parse("/containers/{any}/top");

  private final Set<Secret> secrets;
  private final Set<String> keptEnvNames;
  private final JsonRedactor redactor;

  private Redaction(Set<Secret> secrets, Set<String> keptEnvNames) {
    this.secrets = secrets.isEmpty() ? EnumSet.noneOf(Secret.class) : EnumSet.copyOf(secrets);
    this.keptEnvNames = Collections.unmodifiableSet(new LinkedHashSet<>(keptEnvNames));
    this.redactor =
        new JsonRedactor(
            secrets.contains(Secret.ENV), secrets.contains(Secret.SWARM), keptEnvNames);
  }

  /**
   * Reads the two settings: {@code none}, {@code all} or a list such as {@code env,logs}; and a
   * list of environment variable names whose values stay, such as {@code DD_ENV,DD_SERVICE}.
   *
   * @throws IllegalArgumentException naming the bad word or name and the expected forms
   */
  public static Redaction parse(String secrets, String keptEnvNames) {
    Set<Secret> chosen = parseSecrets(secrets);
    Set<String> kept = parseEnvNames(keptEnvNames);
    return chosen.isEmpty() ? OFF : new Redaction(chosen, kept);
  }

  /** Checks and reads the {@code redact} setting. */
  public static Set<Secret> parseSecrets(String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    if (value.equals("none") || value.equals("off") || value.isEmpty()) {
      return EnumSet.noneOf(Secret.class);
    }
    if (value.equals("all") || value.equals("on")) {
      return EnumSet.allOf(Secret.class);
    }
    Set<Secret> chosen = EnumSet.noneOf(Secret.class);
    for (String word : value.split(",", -1)) {
      chosen.add(secret(word.trim(), text));
    }
    return chosen;
  }

  /** Checks and reads the {@code redact-keep-env} setting. */
  public static Set<String> parseEnvNames(String text) {
    Set<String> names = new LinkedHashSet<>();
    if (text.isBlank()) {
      return names;
    }
    for (String name : text.split(",", -1)) {
      String trimmed = name.trim();
      if (!ENV_NAME.matcher(trimmed).matches()) {
        throw new IllegalArgumentException(
            "not an environment variable name: '"
                + trimmed
                + "' (expected a comma-separated list of exact names, e.g. DD_ENV,DD_SERVICE)");
      }
      names.add(trimmed);
    }
    return names;
  }

  private static Secret secret(String word, String whole) {
    for (Secret secret : Secret.values()) {
      if (secret.word.equals(word)) {
        return secret;
      }
    }
    throw new IllegalArgumentException(
        "unknown thing to redact: '"
            + word
            + "' in '"
            + whole
            + "' (expected none, all, or a comma-separated list of env, swarm, logs)");
  }

  public boolean isOn() {
    return !secrets.isEmpty();
  }

  public Set<Secret> secrets() {
    return EnumSet.copyOf(secrets.isEmpty() ? EnumSet.noneOf(Secret.class) : secrets);
  }

  public Set<String> keptEnvNames() {
    return keptEnvNames;
  }

  /**
   * The decision once redaction has had its say, for a listener that enforces its policy.
   *
   * @see #review(PolicyRequest, Decision, boolean)
   */
  public Decision review(PolicyRequest request, Decision decision) {
    return review(request, decision, false);
  }

  /**
   * The decision once redaction has had its say: what cannot be redacted is refused whenever it
   * would otherwise reach the client, that is when a rule allows it or when the listener AUDITs (an
   * audit forwards what the policy denies, never what redaction refuses). Logs are refused when
   * they are to be hidden, and so is a {@code top} whose {@code ps_args} print environments when
   * environments are; anything else keeps DECISION.
   */
  public Decision review(PolicyRequest request, Decision decision, boolean audit) {
    if (!decision.allowed() && !audit) {
      return decision;
    }
    if (secrets.contains(Secret.LOGS) && isLogs(request.path())) {
      return new Decision(
          Verdict.DENY,
          LOGS_RULE_ID,
          LOGS_REASON,
          "logs can print secrets and cannot be redacted; this listener hides secrets, so it"
              + " refuses logs");
    }
    if (secrets.contains(Secret.ENV)
        && TOP.matches(request.path())
        && printsEnvironment(request.rawQuery())) {
      return new Decision(
          Verdict.DENY,
          TOP_RULE_ID,
          TOP_REASON,
          "ps_args that print environments ('e' outside a '-' option, as in 'aux e') cannot be"
              + " redacted; this listener hides environment values, so it refuses them");
    }
    return decision;
  }

  /** Whether DECISION is a refusal of redaction's own, which even an audit does not forward. */
  public static boolean refusedByRedaction(Decision decision) {
    return !decision.allowed()
        && (decision.reason().equals(LOGS_REASON) || decision.reason().equals(TOP_REASON));
  }

  /**
   * Whether the ps_args of RAW_QUERY, read as the engine reads them, may make ps print the
   * environment: a word without a leading '-' is BSD syntax, where 'e' means "show the
   * environment". Erring on the side of refusal: such a word may be an option's argument ("-o
   * user"), and a query the engine could read another way counts as printing.
   */
  static boolean printsEnvironment(String rawQuery) {
    QueryParameters query = QueryParameters.parse(rawQuery);
    if (!query.readable()) {
      return true;
    }
    String psArgs = query.first("ps_args").orElse("");
    for (String word : psArgs.split("[\\s\\x00-\\x20]+")) {
      if (!word.startsWith("-") && (word.indexOf('e') >= 0 || word.indexOf('E') >= 0)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the answer to METHOD PATH is rewritten before the client sees it. */
  public boolean rewrites(String method, String path) {
    if (!(secrets.contains(Secret.ENV) || secrets.contains(Secret.SWARM))
        || !method.equals("GET")) {
      return false;
    }
    for (PathTemplate template : REWRITTEN) {
      if (template.matches(path)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The engine's JSON answer with the chosen secrets replaced.
   *
   * @throws RedactionException when BODY is not one JSON document
   */
  public byte[] redact(byte[] body) throws RedactionException {
    return redactor.redact(body);
  }

  /**
   * As {@link #redact(byte[])}, for an answer of about SIZE bytes read from BODY.
   *
   * @param newline whether the engine ended its answer with a newline, which the copy keeps
   */
  public byte[] redact(InputStream body, int size, boolean newline) throws RedactionException {
    return redactor.redact(body, size, newline);
  }

  /** For the start-up log and {@code check-config}: {@code env (keeping DD_ENV), swarm, logs}. */
  public String describe() {
    return describe(secrets);
  }

  /** What a rewritten answer hides: {@code env (keeping DD_ENV), swarm}. */
  public String describeRewrite() {
    Set<Secret> rewritten = EnumSet.of(Secret.ENV, Secret.SWARM);
    rewritten.retainAll(secrets);
    return describe(rewritten);
  }

  private String describe(Set<Secret> secrets) {
    if (secrets.isEmpty()) {
      return "none";
    }
    return secrets.stream()
        .map(
            secret ->
                secret == Secret.ENV && !keptEnvNames.isEmpty()
                    ? "env (keeping " + String.join(", ", keptEnvNames) + ")"
                    : secret.word)
        .collect(Collectors.joining(", "));
  }

  private static boolean isLogs(String path) {
    for (PathTemplate template : LOGS) {
      if (template.matches(path)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Redaction that
        && secrets.equals(that.secrets)
        && keptEnvNames.equals(that.keptEnvNames);
  }

  @Override
  public int hashCode() {
    return secrets.hashCode() * 31 + keptEnvNames.hashCode();
  }

  @Override
  public String toString() {
    return "redact " + describe();
  }
}
