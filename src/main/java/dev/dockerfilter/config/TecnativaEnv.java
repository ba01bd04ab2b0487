package dev.dockerfilter.config;

import dev.dockerfilter.policy.EngineRoutes;
import dev.dockerfilter.policy.EngineRoutes.Route;
import dev.dockerfilter.policy.PathTemplate;
import dev.dockerfilter.policy.Policy;
import dev.dockerfilter.policy.Presets;
import dev.dockerfilter.policy.Rule;
import dev.dockerfilter.policy.RuleListPolicy;
import dev.dockerfilter.policy.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Tecnativa/docker-socket-proxy's environment variables ({@code CONTAINERS=1}, {@code POST=0}, …)
 * turned into a policy with sharper meanings:
 *
 * <ul>
 *   <li>a section variable opens the routes of that section, with GET and HEAD only unless {@code
 *       POST=1}, which opens every method on the enabled sections, and only there;
 *   <li>{@code CONTAINERS=1} does not open a container's {@code archive}, {@code export}, {@code
 *       changes} or {@code attach}: {@code ALLOW_ARCHIVE}, {@code ALLOW_EXPORT}, {@code
 *       ALLOW_CHANGES} and {@code ALLOW_ATTACH} do; creating an exec needs {@code EXEC=1};
 *   <li>{@code ALLOW_START}, {@code ALLOW_STOP}, {@code ALLOW_RESTARTS} (and linuxserver's {@code
 *       ALLOW_PAUSE}, {@code ALLOW_UNPAUSE}) work alone, without {@code POST=1}.
 * </ul>
 *
 * Defaults are Tecnativa's: {@code EVENTS}, {@code PING} and {@code VERSION} on, the rest off.
 */
final class TecnativaEnv {
  static final String POLICY_NAME = "tecnativa-env";

  /** Section variables and the first path segment each one opens. */
  private static final Map<String, String> SECTIONS = sections();

  /** Variables that open single container routes, without POST=1. */
  private static final Map<String, List<String>> CONTAINER_ACTIONS =
      Map.of(
          "ALLOW_START", List.of("start"),
          "ALLOW_STOP", List.of("stop"),
          "ALLOW_RESTARTS", List.of("stop", "restart", "kill"),
          "ALLOW_PAUSE", List.of("pause"),
          "ALLOW_UNPAUSE", List.of("unpause"));

  /** Container sub-routes that CONTAINERS=1 leaves closed, and the variable that opens each. */
  private static final Map<String, String> CARVED_OUT =
      Map.of(
          "archive", "ALLOW_ARCHIVE",
          "export", "ALLOW_EXPORT",
          "changes", "ALLOW_CHANGES",
          "attach", "ALLOW_ATTACH",
          "attach/ws", "ALLOW_ATTACH",
          "exec", "EXEC");

  private static final Set<String> ON_BY_DEFAULT = Set.of("EVENTS", "PING", "VERSION");
  private static final Set<String> READ_METHODS = Set.of("GET", "HEAD");

  private TecnativaEnv() {}

  /** Every variable that switches this mode on, in the order the docs list them. */
  static List<String> variables() {
    List<String> names = new ArrayList<>(SECTIONS.keySet());
    names.add("POST");
    names.addAll(List.of("ALLOW_START", "ALLOW_STOP", "ALLOW_RESTARTS"));
    names.addAll(List.of("ALLOW_PAUSE", "ALLOW_UNPAUSE"));
    names.addAll(List.of("ALLOW_ARCHIVE", "ALLOW_EXPORT", "ALLOW_CHANGES", "ALLOW_ATTACH"));
    return names;
  }

  /** Whether any of the policy variables is set, even to 0. */
  static boolean inUse(Map<String, String> environment) {
    return variables().stream().anyMatch(environment::containsKey);
  }

  /**
   * The policy the variables describe.
   *
   * @throws ConfigException naming a variable whose value is not a boolean
   */
  static Policy policy(Map<String, String> environment) {
    boolean post = on(environment, "POST");
    List<Rule> rules = new ArrayList<>();

    // Denials first, with a reason that names the variable to set.
    if (on(environment, "CONTAINERS")) {
      rules.addAll(carvedOutDenials(environment, post));
    }

    // ALLOW_START=1 -> POST /containers/{container}/start, with or without POST=1.
    rules.addAll(containerActions(environment));

    // CONTAINERS=1 -> GET,HEAD on the container routes, and every method with POST=1.
    for (Map.Entry<String, String> section : SECTIONS.entrySet()) {
      if (on(environment, section.getKey())) {
        rules.addAll(sectionRules(section.getKey(), section.getValue(), post, environment));
      }
    }

    // ALLOW_ARCHIVE=1 and the rest of the carved-out routes, each with its own variable.
    rules.addAll(carvedOutAllows(environment, post));
    return RuleListPolicy.of(POLICY_NAME, dedupe(rules));
  }

  /** SOCKET_PATH as an upstream URI: {@code /var/run/docker.sock} -> {@code unix:///var/…}. */
  static Optional<String> upstream(Map<String, String> environment) {
    String path = environment.getOrDefault("SOCKET_PATH", "").trim();
    if (path.isEmpty()) {
      return Optional.empty();
    }
    if (path.startsWith("unix://") || path.startsWith("tcp://")) {
      return Optional.of(path);
    }
    return Optional.of("unix://" + path);
  }

  /** LOG_LEVEL in HAProxy's words mapped to ours: {@code warning} -> {@code warn}. */
  static Optional<String> logLevel(Map<String, String> environment) {
    String level = environment.getOrDefault("LOG_LEVEL", "").trim().toLowerCase(Locale.ROOT);
    return switch (level) {
      case "" -> Optional.empty();
      case "debug" -> Optional.of("debug");
      case "info", "notice" -> Optional.of("info");
      case "warning", "warn" -> Optional.of("warn");
      case "err", "error", "crit", "alert", "emerg" -> Optional.of("error");
      default ->
          throw new ConfigException(
              "LOG_LEVEL: unknown level: '"
                  + level
                  + "' (expected debug, info, notice, warning, err, crit, alert or emerg)");
    };
  }

  /** With DISABLE_IPV6=1, a listener on {@code tcp://[::]:PORT} binds {@code 0.0.0.0} instead. */
  static Endpoint rewriteListener(Map<String, String> environment, Endpoint endpoint) {
    String disable = environment.getOrDefault("DISABLE_IPV6", "").trim().toLowerCase(Locale.ROOT);
    boolean ipv4Only = Set.of("1", "true", "yes").contains(disable);
    if (ipv4Only && endpoint instanceof Endpoint.Tcp tcp && tcp.host().equals("::")) {
      return new Endpoint.Tcp("0.0.0.0", tcp.port());
    }
    return endpoint;
  }

  /** The variables set, for the start-up log: {@code (CONTAINERS=1 POST=0)}. */
  static String describe(Map<String, String> environment) {
    List<String> set = new ArrayList<>();
    for (String name : variables()) {
      if (environment.containsKey(name)) {
        set.add(name + "=" + environment.get(name));
      }
    }
    return "(" + String.join(" ", set) + ")";
  }

  private static List<Rule> carvedOutDenials(Map<String, String> environment, boolean post) {
    List<Rule> rules = new ArrayList<>();
    for (Route route : EngineRoutes.section("containers")) {
      String sub = subPath(route);
      String variable = CARVED_OUT.get(sub);
      if (variable == null || on(environment, variable)) {
        continue;
      }
      Set<String> methods = methods(route, post);
      if (methods.isEmpty()) {
        continue;
      }
      String template = "/containers/{any}/" + sub;
      String note = "CONTAINERS=1 does not open " + sub + "; set " + variable + "=1 for it";
      rules.add(rule("env-no-" + slug(sub), Verdict.DENY, methods, template, false, note));
    }
    return rules;
  }

  private static List<Rule> containerActions(Map<String, String> environment) {
    List<Rule> rules = new ArrayList<>();
    for (String variable :
        List.of("ALLOW_START", "ALLOW_STOP", "ALLOW_RESTARTS", "ALLOW_PAUSE", "ALLOW_UNPAUSE")) {
      if (!on(environment, variable)) {
        continue;
      }
      for (String action : CONTAINER_ACTIONS.get(variable)) {
        rules.add(
            rule(
                "env-container-" + action,
                Verdict.ALLOW,
                Set.of("POST"),
                "/containers/{container}/" + action,
                false,
                variable + "=1"));
      }
    }
    return rules;
  }

  private static List<Rule> sectionRules(
      String variable, String section, boolean post, Map<String, String> environment) {
    List<Rule> rules = new ArrayList<>();
    for (Route route : EngineRoutes.section(section)) {
      if (section.equals("containers") && CARVED_OUT.containsKey(subPath(route))) {
        continue;
      }
      Set<String> methods = methods(route, post);
      if (!methods.isEmpty()) {
        String note = variable + "=1" + (post ? ", POST=1" : "");
        rules.add(ruleFor(route, methods, note));
      }
    }
    if (variable.equals("CONTAINERS")) {
      // docker inspect IMAGE without --type asks container inspect first, as in the presets.
      rules.add(
          rule(
              "env-containers-image-json",
              Verdict.ALLOW,
              READ_METHODS,
              "/containers/{image}/json",
              false,
              "CONTAINERS=1; " + Presets.CONTAINER_INSPECT_REF_NOTE));
    }
    if (variable.equals("EXEC") && post) {
      // Creating an exec lives under /containers, but it is half of running a command.
      rules.add(
          rule(
              "env-containers-container-exec",
              Verdict.ALLOW,
              Set.of("POST"),
              "/containers/{container}/exec",
              false,
              "EXEC=1, POST=1"));
    }
    return rules;
  }

  private static List<Rule> carvedOutAllows(Map<String, String> environment, boolean post) {
    List<Rule> rules = new ArrayList<>();
    for (Route route : EngineRoutes.section("containers")) {
      String variable = CARVED_OUT.get(subPath(route));
      if (variable == null || variable.equals("EXEC") || !on(environment, variable)) {
        continue;
      }
      // ALLOW_ATTACH opens attach whatever its method: attaching is what the variable is for.
      Set<String> methods =
          variable.equals("ALLOW_ATTACH") ? withHead(route.methods()) : methods(route, post);
      if (!methods.isEmpty()) {
        String note = variable + "=1" + (methods.contains("PUT") ? ", POST=1" : "");
        rules.add(ruleFor(route, methods, note));
      }
    }
    return rules;
  }

  private static Set<String> methods(Route route, boolean post) {
    Set<String> methods = new TreeSet<>();
    for (String method : withHead(route.methods())) {
      if (post || READ_METHODS.contains(method)) {
        methods.add(method);
      }
    }
    return methods;
  }

  /** The read-only default's convention: HEAD wherever GET is allowed. */
  private static Set<String> withHead(Set<String> methods) {
    Set<String> all = new TreeSet<>(methods);
    if (all.contains("GET")) {
      all.add("HEAD");
    }
    return all;
  }

  private static Rule ruleFor(Route route, Set<String> methods, String note) {
    // Attach, exec start, session and grpc upgrade; the rule lets them when it has their method.
    boolean upgrade = route.upgrade() && methods.containsAll(route.methods());
    return rule(
        "env-" + slug(route.path().toString()),
        Verdict.ALLOW,
        methods,
        route.path().toString(),
        upgrade,
        note);
  }

  private static Rule rule(
      String id,
      Verdict verdict,
      Set<String> methods,
      String template,
      boolean upgrade,
      String note) {
    return new Rule(id, verdict, methods, PathTemplate.parse(template), List.of(), upgrade, note);
  }

  private static List<Rule> dedupe(List<Rule> rules) {
    // ALLOW_STOP and ALLOW_RESTARTS both open stop: keep the first rule of each id.
    Map<String, Rule> byId = new LinkedHashMap<>();
    rules.forEach(rule -> byId.putIfAbsent(rule.id(), rule));
    return List.copyOf(byId.values());
  }

  /** {@code /containers/{container}/attach/ws} -> {@code attach/ws}; "" for other sections. */
  private static String subPath(Route route) {
    String template = route.path().toString();
    String prefix = "/containers/{container}/";
    return template.startsWith(prefix) ? template.substring(prefix.length()) : "";
  }

  /** {@code /containers/{container}/json} -> {@code containers-container-json}. */
  private static String slug(String template) {
    String slug = template.replaceAll("[{}]", "").replace('/', '-').replace("_", "");
    return slug.startsWith("-") ? slug.substring(1) : slug;
  }

  private static boolean on(Map<String, String> environment, String variable) {
    String value = environment.get(variable);
    if (value == null) {
      return ON_BY_DEFAULT.contains(variable);
    }
    String word = value.trim().toLowerCase(Locale.ROOT);
    if (Set.of("", "0", "false", "no", "off").contains(word)) {
      return false;
    }
    if (Set.of("true", "yes", "on").contains(word) || word.matches("[0-9]{1,9}")) {
      return true;
    }
    throw new ConfigException(
        variable + ": not a boolean: '" + value + "' (expected 1 or 0, true or false)");
  }

  private static Map<String, String> sections() {
    Map<String, String> sections = new LinkedHashMap<>();
    for (String name :
        List.of(
            "CONTAINERS",
            "IMAGES",
            "NETWORKS",
            "VOLUMES",
            "INFO",
            "EVENTS",
            "PING",
            "VERSION",
            "EXEC",
            "SYSTEM",
            "AUTH",
            "BUILD",
            "COMMIT",
            "CONFIGS",
            "DISTRIBUTION",
            "GRPC",
            "NODES",
            "PLUGINS",
            "SECRETS",
            "SERVICES",
            "SESSION",
            "SWARM",
            "TASKS")) {
      sections.put(name, name.equals("PING") ? "_ping" : name.toLowerCase(Locale.ROOT));
    }
    return sections;
  }
}
