package dev.dockerfilter.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The route catalogue against the Engine API specs beside the read-only decisions. */
class EngineRoutesTest {

  private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE");
  private static final Set<String> UNDOCUMENTED = Set.of("POST /grpc", "POST /build/cancel");

  @Test
  void coversEveryRouteOfBothSpecsWithRealisticValues() throws IOException {
    List<String> uncovered = new ArrayList<>();
    for (String route : specRoutes()) {
      String method = route.substring(0, route.indexOf(' '));
      String template = route.substring(route.indexOf(' ') + 1);
      for (String path : samples(template)) {
        boolean covered =
            EngineRoutes.all().stream()
                .anyMatch(r -> r.methods().contains(method) && r.path().matches(path));
        if (!covered) {
          uncovered.add(method + " " + path);
        }
      }
    }

    assertThat(uncovered).isEmpty();
  }

  @Test
  void listsNoRouteThatNoSpecHasExceptTheUndocumentedOnes() throws IOException {
    Set<String> spec = new TreeSet<>();
    for (String route : specRoutes()) {
      spec.add(route.replaceAll("\\{[^}]+\\}", "{}"));
    }
    List<String> extra = new ArrayList<>();
    for (EngineRoutes.Route route : EngineRoutes.all()) {
      for (String method : route.methods()) {
        String key = method + " " + route.path().toString().replaceAll("\\{[^}]+\\}", "{}");
        if (!spec.contains(key)) {
          extra.add(method + " " + route.path());
        }
      }
    }

    assertThat(extra).containsExactlyInAnyOrderElementsOf(UNDOCUMENTED);
  }

  @Test
  void marksTheRoutesThatUpgrade() {
    assertThat(EngineRoutes.all().stream().filter(EngineRoutes.Route::upgrade))
        .extracting(route -> route.path().toString())
        .containsExactlyInAnyOrder(
            "/containers/{container}/attach",
            "/containers/{container}/attach/ws",
            "/exec/{name}/start",
            "/grpc",
            "/session");
  }

  private static List<String> samples(String template) {
    String first = template.substring(1).split("/", 2)[0];
    List<String> values =
        switch (first) {
          case "images", "distribution" ->
              List.of(
                  "busybox",
                  "localtest/busybox:latest",
                  "reg.example:5000/a/b:1@sha256:" + "a".repeat(64));
          case "plugins" -> List.of("vieux/sshfs:latest", "sshfs");
          case "containers" -> List.of("4c01db0b339c", "my_app.web-1");
          default -> List.of("4c01db0b339c", "my-net_1.x");
        };
    return values.stream().map(v -> template.replaceAll("\\{[^}]+\\}", v)).toList();
  }

  private static Set<String> specRoutes() throws IOException {
    Set<String> routes = new TreeSet<>();
    for (String spec : List.of("v1.41.yaml", "v1.56.yaml")) {
      try (InputStream in = EngineRoutesTest.class.getResourceAsStream("/docker-api/" + spec)) {
        JsonNode paths = new YAMLMapper().readTree(in).path("paths");
        paths
            .fieldNames()
            .forEachRemaining(
                path ->
                    paths
                        .get(path)
                        .fieldNames()
                        .forEachRemaining(
                            field -> {
                              String method = field.toUpperCase(Locale.ROOT);
                              if (METHODS.contains(method)) {
                                routes.add(method + " " + path);
                              }
                            }));
      }
    }
    return routes;
  }
}
