package dev.dockerfilter.policy;

import dev.dockerfilter.policy.EngineRoutes.Route;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns what clients did into the smallest list of allow rules that would have allowed it: each
 * path is generalised to the Engine API route it belongs to ({@code /containers/4c01db/json} ->
 * {@code /containers/{container}/json}), and the methods seen on a route are allowed on it, no
 * others.
 *
 * <p>Two stream switches are kept as narrow as what was seen: {@code stats} gets {@code if
 * stream=false} when no request streamed, and {@code logs} gets {@code if follow!=true} when no
 * request followed. A route that may upgrade gets {@code upgrade} when an answer was {@code 101},
 * or when a request to it was denied (the log cannot tell whether it asked to).
 */
public final class RuleLearner {

  /**
   * One request from an access log.
   *
   * @param method the request method
   * @param path the canonical path the policy judged
   * @param rawQuery the raw query with its "?", or ""
   * @param allowed whether it was allowed (a {@code deny} or {@code would-deny} line is not)
   * @param status the status sent to the client, 101 for an upgrade
   */
  public record Observation(
      String method, String path, String rawQuery, boolean allowed, int status) {}

  /**
   * The learned rules, and the requests no rule can express (with why).
   *
   * @param rules allow rules, sorted by path template
   * @param skipped one line per request left out, e.g. a path with characters a template cannot
   *     hold
   */
  public record Learned(List<Rule> rules, List<String> skipped) {}

  private static final QueryCondition NO_STREAM = QueryCondition.equalTo("stream", "false");
  private static final QueryCondition NO_FOLLOW = QueryCondition.notEqualTo("follow", "true");
  private static final Map<String, QueryCondition> STREAM_SWITCHES =
      Map.of(
          "/containers/{container}/stats", NO_STREAM,
          "/containers/{container}/logs", NO_FOLLOW);

  private RuleLearner() {}

  /** Learns the rules for OBSERVATIONS, in any order. */
  public static Learned learn(List<Observation> observations) {
    Map<String, Group> groups = new LinkedHashMap<>();
    List<String> skipped = new ArrayList<>();
    for (Observation observation : observations) {
      Optional<Template> template = templateFor(observation.method(), observation.path());
      if (template.isEmpty()) {
        skipped.add(
            observation.method()
                + " "
                + observation.path()
                + ": no route matches and the path cannot be written as a template");
        continue;
      }
      groups
          .computeIfAbsent(template.get().text(), text -> new Group(template.get()))
          .add(observation);
    }

    List<Rule> rules =
        groups.values().stream()
            .sorted(Comparator.comparing(group -> group.template.text()))
            .map(Group::rule)
            .toList();
    return new Learned(uniqueIds(rules), List.copyOf(skipped));
  }

  /**
   * A path's template: the template of the engine's route that serves this method on it, else the
   * path itself, literally. Never another method's route: {@code GET /images/nginx} matches only
   * {@code DELETE /images/{image}}, whose template under GET would also allow image export.
   */
  private record Template(String text, boolean upgradeCapable) {}

  private static Optional<Template> templateFor(String method, String path) {
    Optional<Route> best =
        EngineRoutes.all().stream()
            .filter(route -> route.path().matches(path) && servesMethod(route, method))
            .max(Comparator.comparingInt(RuleLearner::literals));
    if (best.isPresent()) {
      return Optional.of(new Template(best.get().path().toString(), best.get().upgrade()));
    }
    if (path.indexOf('{') >= 0 || path.indexOf('}') >= 0) {
      // "/images/{image}" sent literally would come back as a placeholder that allows far more.
      return Optional.empty();
    }
    try {
      return Optional.of(new Template(PathTemplate.parse(path).toString(), false));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static boolean servesMethod(Route route, String method) {
    // The engine answers HEAD where it serves GET.
    return route.methods().contains(method)
        || (method.equals("HEAD") && route.methods().contains("GET"));
  }

  private static int literals(Route route) {
    int count = 0;
    for (String segment : route.path().toString().split("/")) {
      if (!segment.isEmpty() && !segment.startsWith("{")) {
        count++;
      }
    }
    return count;
  }

  private static List<Rule> uniqueIds(List<Rule> rules) {
    Set<String> taken = new TreeSet<>();
    List<Rule> unique = new ArrayList<>();
    for (Rule rule : rules) {
      String id = rule.id();
      for (int n = 2; !taken.add(id); n++) {
        id = rule.id() + "-" + n;
      }
      unique.add(id.equals(rule.id()) ? rule : rule.withId(id));
    }
    return unique;
  }

  /** The requests seen on one template. */
  private static final class Group {
    final Template template;
    final Set<String> methods = new TreeSet<>();
    final List<String> queries = new ArrayList<>();
    int seen;
    int denied;
    boolean upgraded;

    Group(Template template) {
      this.template = template;
    }

    void add(Observation observation) {
      methods.add(observation.method());
      queries.add(observation.rawQuery());
      seen++;
      if (!observation.allowed()) {
        denied++;
      }
      upgraded |= observation.status() == 101 || !observation.allowed();
    }

    Rule rule() {
      List<QueryCondition> conditions = new ArrayList<>();
      QueryCondition streamSwitch = STREAM_SWITCHES.get(template.text());
      if (streamSwitch != null
          && queries.stream().allMatch(query -> streamSwitch.test(query) == Truth.TRUE)) {
        conditions.add(streamSwitch);
      }
      String note = "seen " + seen + (seen == 1 ? " time" : " times");
      if (denied > 0) {
        note += ", " + denied + " denied";
      }
      return new Rule(
          idFor(template.text()),
          Verdict.ALLOW,
          methods,
          PathTemplate.parse(template.text()),
          conditions,
          template.upgradeCapable() && upgraded,
          note);
    }
  }

  /** {@code /containers/{container}/json} -> {@code containers-container-json}. */
  private static String idFor(String template) {
    String id =
        template
            .replaceAll("[{}]", "")
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9.]+", "-")
            .replaceAll("^-+|-+$", "");
    return id.isEmpty() ? "learned" : id;
  }
}
