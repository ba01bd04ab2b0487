package dev.dockerfilter.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockerfilter.policy.RuleLearner.Learned;
import dev.dockerfilter.policy.RuleLearner.Observation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RuleLearnerTest {

  /** One row per single request: the rule learned from it alone. */
  @ParameterizedTest(name = "{0} {1}{2} -> {3}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      textBlock =
          """
          HEAD   | /_ping                            | ""                 | allow HEAD /_ping id=ping -- seen 1 time
          GET    | /containers/json                  | ?all=1             | allow GET /containers/json id=containers-json -- seen 1 time
          GET    | /containers/4c01db0b339c/json     | ""                 | allow GET /containers/{container}/json id=containers-container-json -- seen 1 time
          GET    | /containers/json/json             | ""                 | allow GET /containers/{container}/json id=containers-container-json -- seen 1 time
          DELETE | /containers/json                  | ""                 | allow DELETE /containers/{container} id=containers-container -- seen 1 time
          GET    | /images/reg.example:5000/a/b:1/json | ""               | allow GET /images/{image}/json id=images-image-json -- seen 1 time
          GET    | /images/localtest/busybox/history | ""                 | allow GET /images/{image}/history id=images-image-history -- seen 1 time
          POST   | /images/create                    | ?fromImage=busybox | allow POST /images/create id=images-create -- seen 1 time
          GET    | /plugins/vieux/sshfs:latest/json  | ""                 | allow GET /plugins/{plugin}/json id=plugins-plugin-json -- seen 1 time
          GET    | /networks/bridge                  | ""                 | allow GET /networks/{name} id=networks-name -- seen 1 time
          # stream switches stay as narrow as what was seen
          GET    | /containers/web/stats             | ?stream=0          | allow GET /containers/{container}/stats if stream=false id=containers-container-stats -- seen 1 time
          GET    | /containers/web/stats             | ?stream=1          | allow GET /containers/{container}/stats id=containers-container-stats -- seen 1 time
          GET    | /containers/web/stats             | ""                 | allow GET /containers/{container}/stats id=containers-container-stats -- seen 1 time
          GET    | /containers/web/logs              | ?tail=10           | allow GET /containers/{container}/logs if follow!=true id=containers-container-logs -- seen 1 time
          GET    | /containers/web/logs              | ?follow=1          | allow GET /containers/{container}/logs id=containers-container-logs -- seen 1 time
          # a path that no route has is kept as it is, when a template can hold it
          GET    | /libpod/_ping                     | ""                 | allow GET /libpod/_ping id=libpod-ping -- seen 1 time
          """)
  void generalisesARequestToItsRoute(String method, String path, String query, String rule) {
    Learned learned = RuleLearner.learn(List.of(new Observation(method, path, query, true, 200)));

    assertThat(learned.rules()).extracting(Rule::format).containsExactly(rule);
    assertThat(learned.skipped()).isEmpty();
  }

  @Test
  void mergesTheMethodsSeenOnOneRouteAndCountsDenials() {
    Learned learned =
        RuleLearner.learn(
            List.of(
                new Observation("GET", "/containers/a/archive", "?path=/", false, 403),
                new Observation("HEAD", "/containers/b/archive", "?path=/", true, 200),
                new Observation("PUT", "/containers/b/archive", "?path=/", true, 200)));

    assertThat(learned.rules())
        .extracting(Rule::format)
        .containsExactly(
            "allow GET,HEAD,PUT /containers/{container}/archive id=containers-container-archive"
                + " -- seen 3 times, 1 denied");
  }

  @Test
  void letsARouteUpgradeWhenItDidOrWhenItWasDenied() {
    Learned upgraded =
        RuleLearner.learn(List.of(new Observation("POST", "/exec/ab/start", "", true, 101)));
    Learned detached =
        RuleLearner.learn(List.of(new Observation("POST", "/exec/ab/start", "", true, 200)));
    Learned denied =
        RuleLearner.learn(
            List.of(new Observation("POST", "/containers/ab/attach", "?stream=1", false, 403)));

    assertThat(upgraded.rules().get(0).upgrade()).isTrue();
    assertThat(detached.rules().get(0).upgrade()).isFalse();
    assertThat(denied.rules().get(0).upgrade()).isTrue();
  }

  @Test
  void skipsWhatNoTemplateCanHold() {
    Learned learned =
        RuleLearner.learn(List.of(new Observation("GET", "/weird/a b", "", true, 404)));

    assertThat(learned.rules()).isEmpty();
    assertThat(learned.skipped())
        .containsExactly(
            "GET /weird/a b: no route matches and the path cannot be written as a template");
  }

  /**
   * No route serves GET on /images/nginx (only DELETE's /images/{image} matches): the rule is the
   * path itself, never DELETE's template, which under GET would allow image export and search.
   */
  @Test
  void neverBorrowsTheTemplateOfAnotherMethodsRoute() {
    Learned learned =
        RuleLearner.learn(List.of(new Observation("GET", "/images/nginx", "", false, 403)));
    Policy policy = RuleListPolicy.of("learned", learned.rules());

    assertThat(policy.decide(new PolicyRequest("GET", "/images/nginx", "")).allowed()).isTrue();
    for (String path : List.of("/images/localtest/busybox/get", "/images/get", "/images/search")) {
      assertThat(policy.decide(new PolicyRequest("GET", path, "")).allowed()).as(path).isFalse();
    }
  }

  @Test
  void skipsAPathThatWouldReadAsAPlaceholder() {
    Learned learned =
        RuleLearner.learn(List.of(new Observation("GET", "/images/{image}", "", false, 403)));

    assertThat(learned.rules()).isEmpty();
    assertThat(learned.skipped()).hasSize(1);
  }

  @Test
  void allowsExactlyWhatWasSeen() {
    List<Observation> seen = new ArrayList<>();
    seen.add(new Observation("HEAD", "/_ping", "", true, 200));
    seen.add(new Observation("GET", "/containers/json", "?all=1", true, 200));
    seen.add(new Observation("GET", "/containers/web/stats", "?stream=false", true, 200));
    seen.add(new Observation("GET", "/containers/web/logs", "?tail=5", true, 200));
    seen.add(new Observation("GET", "/containers/web/export", "", false, 403));

    Policy policy = RuleListPolicy.of("learned", RuleLearner.learn(seen).rules());

    for (Observation observation : seen) {
      PolicyRequest request =
          new PolicyRequest(observation.method(), observation.path(), observation.rawQuery());
      assertThat(policy.decide(request).allowed()).as(observation.toString()).isTrue();
    }
    assertThat(decide(policy, "GET", "/_ping", "").allowed()).isFalse();
    assertThat(decide(policy, "GET", "/containers/web/json", "").allowed()).isFalse();
    assertThat(decide(policy, "POST", "/containers/json", "").allowed()).isFalse();
    assertThat(decide(policy, "GET", "/containers/web/stats", "?stream=1").allowed()).isFalse();
    assertThat(decide(policy, "GET", "/containers/web/logs", "?follow=1").allowed()).isFalse();
    assertThat(decide(policy, "GET", "/containers/web/archive", "").allowed()).isFalse();
  }

  private static Decision decide(Policy policy, String method, String path, String query) {
    return policy.decide(new PolicyRequest(method, path, query));
  }
}
