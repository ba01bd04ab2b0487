package dev.dockerfilter.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Walks every route of the Engine API specs and checks that the read-only default judges it the way
 * {@code read-only-decisions.tsv} says, with several realistic values in each placeholder.
 */
class EngineSpecWalkTest {

  private static final String SPEC_DIR = "/docker-api/";
  private static final List<String> SPECS = List.of("v1.41.yaml", "v1.56.yaml");
  private static final Set<String> HTTP_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");
  private static final Set<String> READ_METHODS = Set.of("GET", "HEAD");

  private static final String HEX64 =
      "4c01db0b339c4c01db0b339c4c01db0b339c4c01db0b339c4c01db0b339c4c01";

  // Values for a route's one placeholder, chosen by the route's first segment: ids, names with
  // _ . - and upper case, and names that look like endpoints.
  private static final Map<String, List<String>> SAMPLES =
      Map.of(
          "containers",
          List.of("4c01db0b339c", HEX64, "my_app.web-1", "MyApp", "json", "export"),
          "images",
          List.of(
              "busybox",
              "localtest/busybox",
              "reg.example:5000/team/app:1.2",
              "localhost:5000/app@sha256:" + HEX64,
              "sha256:" + HEX64,
              "4c01db0b339c",
              "get",
              "json"),
          "plugins",
          List.of("vieux/sshfs:latest", "reg.example:5000/team/plugin:1.0", "sshfs"));
  private static final List<String> IMAGE_SAMPLES = SAMPLES.get("images");
  private static final List<String> OTHER_SAMPLES =
      List.of("4c01db0b339c", "my_net-1.prod", "Name_With.Dots");

  private static final Map<String, Map<String, Set<String>>> ROUTES_BY_SPEC = loadSpecs();
  private static final Map<String, Verdict> EXPECTED = loadExpectations();

  private final Policy policy = Presets.readOnly();

  @ParameterizedTest
  @ValueSource(strings = {"v1.41.yaml", "v1.56.yaml"})
  void decidesEveryReadRouteOfTheSpecOnPurpose(String spec) {
    List<String> undecided = new ArrayList<>();
    ROUTES_BY_SPEC
        .get(spec)
        .forEach(
            (route, methods) ->
                methods.stream()
                    .filter(READ_METHODS::contains)
                    .map(method -> method + " " + route)
                    .filter(key -> !EXPECTED.containsKey(key))
                    .forEach(undecided::add));

    assertThat(undecided).as("GET/HEAD routes missing from read-only-decisions.tsv").isEmpty();
  }

  @Test
  void listsOnlyRoutesThatExist() {
    Set<String> known = new TreeSet<>();
    ROUTES_BY_SPEC
        .values()
        .forEach(routes -> routes.forEach((r, ms) -> ms.forEach(m -> known.add(m + " " + r))));

    assertThat(known).containsAll(EXPECTED.keySet());
  }

  @Test
  void walksBothSpecsInFull() {
    // Guards the loader: a parse that silently found no routes would make every walk pass.
    assertThat(ROUTES_BY_SPEC.get("v1.41.yaml")).containsKey("/containers/{id}/export");
    assertThat(ROUTES_BY_SPEC.get("v1.56.yaml")).containsKey("/images/{name}/attestations");
    assertThat(readCases().count()).isGreaterThan(200);
    assertThat(writeCases().count()).isGreaterThan(300);
  }

  @ParameterizedTest(name = "{0}: {1} {2} -> {3}")
  @MethodSource("readCases")
  void judgesReadRoutesAsListed(String spec, String method, String path, Verdict expected) {
    Decision decision = policy.decide(new PolicyRequest(method, path, ""));

    assertThat(decision.verdict()).as(decision.toString()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}: HEAD {1} like GET -> {2}")
  @MethodSource("getOnlyCases")
  void judgesHeadLikeGetOnGetRoutes(String spec, String path, Verdict expected) {
    Decision decision = policy.decide(new PolicyRequest("HEAD", path, ""));

    assertThat(decision.verdict()).as(decision.toString()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}: {1} {2} -> DENY")
  @MethodSource("writeCases")
  void deniesEveryOtherMethod(String spec, String method, String path) {
    Decision decision = policy.decide(new PolicyRequest(method, path, ""));

    assertThat(decision.verdict()).as(decision.toString()).isEqualTo(Verdict.DENY);
    assertThat(decision.reason()).isIn("method-not-allowed", "no-rule-for-path");
  }

  static Stream<Arguments> readCases() {
    return routeCases(READ_METHODS::contains)
        .map(c -> Arguments.of(c.spec, c.method, c.path, EXPECTED.get(c.method + " " + c.route)));
  }

  static Stream<Arguments> getOnlyCases() {
    // The read-only rules allow HEAD wherever they allow GET, though the specs list HEAD only for
    // /_ping and archive; a HEAD on any other GET route must be judged like the GET.
    return routeCases(method -> method.equals("GET"))
        .filter(c -> !ROUTES_BY_SPEC.get(c.spec).get(c.route).contains("HEAD"))
        .map(c -> Arguments.of(c.spec, c.path, EXPECTED.get("GET " + c.route)));
  }

  static Stream<Arguments> writeCases() {
    return routeCases(method -> !READ_METHODS.contains(method))
        .map(c -> Arguments.of(c.spec, c.method, c.path));
  }

  /** One spec route and method with one sample substituted for its placeholder. */
  private record RouteCase(String spec, String method, String route, String path) {}

  private static Stream<RouteCase> routeCases(Predicate<String> methodFilter) {
    List<RouteCase> cases = new ArrayList<>();
    ROUTES_BY_SPEC.forEach(
        (spec, routes) ->
            routes.forEach(
                (route, methods) ->
                    methods.stream()
                        .filter(methodFilter)
                        .forEach(
                            method ->
                                samplePaths(route)
                                    .forEach(
                                        path ->
                                            cases.add(new RouteCase(spec, method, route, path))))));
    return cases.stream();
  }

  private static List<String> samplePaths(String route) {
    // "/containers/{id}/json" -> "/containers/4c01db0b339c/json", "/containers/MyApp/json", ...
    if (!route.contains("{")) {
      return List.of(route);
    }
    String firstSegment = route.substring(1).split("/", 2)[0];
    List<String> samples =
        firstSegment.equals("distribution")
            ? IMAGE_SAMPLES
            : SAMPLES.getOrDefault(firstSegment, OTHER_SAMPLES);
    return samples.stream().map(sample -> route.replaceAll("\\{[^}/]+\\}", sample)).toList();
  }

  private static Map<String, Map<String, Set<String>>> loadSpecs() {
    // paths: {"/containers/{id}/json": {"get": {...}, "parameters": [...]}, ...}
    Map<String, Map<String, Set<String>>> routesBySpec = new LinkedHashMap<>();
    YAMLMapper yaml = new YAMLMapper();
    for (String spec : SPECS) {
      JsonNode paths;
      try (InputStream in = resource(spec)) {
        paths = yaml.readTree(in).path("paths");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Map<String, Set<String>> routes = new LinkedHashMap<>();
      paths.fieldNames().forEachRemaining(route -> routes.put(route, methodsOf(paths.get(route))));
      routesBySpec.put(spec, routes);
    }
    return routesBySpec;
  }

  private static Set<String> methodsOf(JsonNode pathItem) {
    Set<String> methods = new TreeSet<>();
    pathItem
        .fieldNames()
        .forEachRemaining(
            field -> {
              String method = field.toUpperCase(Locale.ROOT);
              if (HTTP_METHODS.contains(method)) {
                methods.add(method);
              }
            });
    return methods;
  }

  private static Map<String, Verdict> loadExpectations() {
    // "GET\t/containers/{id}/json\tallow" -> "GET /containers/{id}/json" = ALLOW
    Map<String, Verdict> expected = new LinkedHashMap<>();
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(resource("read-only-decisions.tsv"), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] columns = line.split("\t", -1);
        if (columns.length != 3 || expected.containsKey(columns[0] + " " + columns[1])) {
          throw new IllegalStateException("bad or repeated line in expectations: '" + line + "'");
        }
        expected.put(
            columns[0] + " " + columns[1], Verdict.valueOf(columns[2].toUpperCase(Locale.ROOT)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return expected;
  }

  private static InputStream resource(String name) {
    InputStream in = EngineSpecWalkTest.class.getResourceAsStream(SPEC_DIR + name);
    if (in == null) {
      throw new IllegalStateException("missing test resource: '" + SPEC_DIR + name + "'");
    }
    return in;
  }
}
