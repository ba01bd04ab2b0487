package dev.dockerfilter.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PresetsTest {

  @Test
  void listsEveryPresetByName() {
    assertThat(Presets.names())
        .containsExactly("read-only", "traefik", "datadog", "dashboard", "exporter", "updater");
    for (String name : Presets.names()) {
      assertThat(Presets.byName(name)).get().extracting(Policy::name).isEqualTo(name);
    }
    assertThat(Presets.byName("nope")).isEmpty();
    assertThat(Presets.byName("read-only")).contains(Presets.readOnly());
  }

  @Test
  void letsAnImageReferenceReachContainerInspectWhereverContainerInspectIsAllowed() {
    // docker inspect IMAGE asks for a container first and tries the image only after a 404.
    for (String name : Presets.names()) {
      List<Rule> rules = Presets.byName(name).orElseThrow().rules();
      List<String> ids = rules.stream().map(Rule::id).toList();
      int inspect = ids.indexOf("allow-container-inspect");
      assertThat(inspect).as("%s allows container inspect", name).isNotNegative();

      Rule byReference = rules.get(inspect + 1);
      assertThat(byReference.format())
          .as(name)
          .isEqualTo(
              "allow GET,HEAD /containers/{image}/json id=allow-container-inspect-ref -- docker"
                  + " inspect IMAGE asks for a container first and needs the engine's 404 to try"
                  + " the image");
    }
  }

  /**
   * One row per request: the preset, method, path, raw query after '?', and the deciding rule id,
   * or the reason when no rule decides. Each preset allows what its client calls, and nothing that
   * it does not.
   */
  @ParameterizedTest(name = "{0}: {1} {2}?{3} -> {4}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      textBlock =
          """
          # traefik: discovery by container labels, and swarm services
          traefik   | HEAD   | /_ping                         | ""                    | allow-ping
          traefik   | GET    | /version                       | ""                    | allow-version
          traefik   | GET    | /containers/json               | all=1                 | allow-container-list
          traefik   | GET    | /containers/web-1/json         | ""                    | allow-container-inspect
          traefik   | GET    | /containers/localtest/busybox:latest/json | ""         | allow-container-inspect-ref
          traefik   | GET    | /events                        | filters=%7B%7D        | allow-events
          traefik   | GET    | /services                      | ""                    | allow-service-list
          traefik   | GET    | /tasks                         | filters=%7B%7D        | allow-task-list
          traefik   | GET    | /networks                      | filters=%7B%7D        | allow-network-list
          traefik   | GET    | /nodes/24ifsmvkjbyhk           | ""                    | allow-node-inspect
          traefik   | GET    | /info                          | ""                    | no-rule-for-path
          traefik   | GET    | /containers/web-1/logs         | ""                    | no-rule-for-path
          traefik   | GET    | /containers/web-1/archive      | path=/                | no-rule-for-path
          traefik   | GET    | /images/json                   | ""                    | no-rule-for-path
          traefik   | POST   | /containers/web-1/start        | ""                    | no-rule-for-path
          traefik   | POST   | /containers/json               | ""                    | method-not-allowed
          # datadog: the check, autodiscovery, logs, processes
          datadog   | GET    | /info                          | ""                    | allow-info
          datadog   | GET    | /containers/json               | size=true             | allow-container-list
          datadog   | GET    | /containers/sha256:4c01db0b339c/json | ""              | allow-container-inspect-ref
          datadog   | GET    | /containers/abc/stats          | stream=0&one-shot=1   | allow-container-stats
          datadog   | GET    | /containers/abc/stats          | stream=1              | query-not-allowed
          datadog   | GET    | /containers/abc/stats          | ""                    | query-not-allowed
          datadog   | GET    | /containers/abc/logs           | follow=1&stdout=1     | allow-container-logs
          datadog   | GET    | /containers/abc/top            | ""                    | allow-container-top
          datadog   | GET    | /images/sha256:4c01db0b339c/json | ""                  | allow-image-inspect
          datadog   | GET    | /images/localtest/busybox/history | ""                 | allow-image-history
          datadog   | GET    | /volumes                       | filters=%7B%7D        | allow-volume-list
          datadog   | GET    | /containers/abc/export         | ""                    | no-rule-for-path
          datadog   | GET    | /images/get                    | ""                    | no-rule-for-path
          datadog   | POST   | /containers/abc/exec           | ""                    | no-rule-for-path
          # dashboard: Homepage and Portainer, read-only
          dashboard | GET    | /containers/json               | all=true              | allow-container-list
          dashboard | HEAD   | /containers/localtest/busybox/json | ""                | allow-container-inspect-ref
          dashboard | GET    | /containers/homepage/stats     | stream=false          | allow-container-stats
          dashboard | GET    | /containers/homepage/stats     | stream=true           | query-not-allowed
          dashboard | GET    | /containers/homepage/logs      | follow=true&tail=100  | allow-container-logs
          dashboard | GET    | /system/df                     | ""                    | allow-system-df
          dashboard | GET    | /services/web                  | ""                    | allow-service-inspect
          dashboard | GET    | /tasks                         | ""                    | allow-task-list
          dashboard | GET    | /configs                       | ""                    | no-rule-for-path
          dashboard | GET    | /secrets                       | ""                    | no-rule-for-path
          dashboard | GET    | /swarm/unlockkey               | ""                    | no-rule-for-path
          dashboard | GET    | /containers/abc/attach/ws      | ""                    | no-rule-for-path
          dashboard | POST   | /containers/abc/restart        | ""                    | no-rule-for-path
          dashboard | POST   | /containers/abc/exec           | ""                    | no-rule-for-path
          # exporter: containers, stats, engine, events
          exporter  | GET    | /containers/json               | ""                    | allow-container-list
          exporter  | GET    | /containers/plain:v1/json      | ""                    | allow-container-inspect-ref
          exporter  | GET    | /containers/abc/stats          | stream=1              | allow-container-stats
          exporter  | GET    | /containers/abc/stats          | stream=0              | allow-container-stats
          exporter  | GET    | /info                          | ""                    | allow-info
          exporter  | GET    | /events                        | ""                    | allow-events
          exporter  | GET    | /containers/abc/logs           | ""                    | no-rule-for-path
          exporter  | GET    | /images/json                   | ""                    | no-rule-for-path
          # updater: reads, pulls by name, recreate
          updater   | GET    | /containers/json               | filters=%7B%7D        | allow-container-list
          updater   | GET    | /containers/localtest/busybox/json | ""                | allow-container-inspect-ref
          updater   | POST   | /containers/localtest/busybox/json | ""                | method-not-allowed
          updater   | GET    | /images/localtest/busybox:latest/json | ""             | allow-image-inspect
          updater   | POST   | /images/create                 | fromImage=busybox&tag=latest | allow-image-pull
          updater   | POST   | /images/create                 | fromImage=reg.example%3A5000%2Fapp&tag=1 | allow-image-pull
          updater   | POST   | /images/create                 | fromSrc=-&repo=evil   | query-not-allowed
          updater   | POST   | /images/create                 | fromSrc=http://x&fromImage=a | query-not-allowed
          updater   | POST   | /images/create                 | fromImage=&fromSrc=-  | query-not-allowed
          updater   | POST   | /images/create                 | fromImage=a;fromSrc=- | query-not-allowed
          updater   | POST   | /containers/app/kill           | signal=SIGTERM        | allow-container-kill
          updater   | POST   | /containers/app/stop           | ""                    | allow-container-stop
          updater   | DELETE | /containers/app                | force=1&v=0           | allow-container-remove
          updater   | POST   | /containers/create             | name=app              | allow-container-create
          updater   | POST   | /networks/frontend/disconnect  | ""                    | allow-network-disconnect
          updater   | POST   | /networks/frontend/connect     | ""                    | allow-network-connect
          updater   | POST   | /containers/app/start          | ""                    | allow-container-start
          updater   | POST   | /containers/app/rename         | name=app-old          | allow-container-rename
          updater   | DELETE | /images/sha256:4c01db0b339c    | force=1               | allow-image-remove
          updater   | POST   | /containers/app/exec           | ""                    | no-rule-for-path
          updater   | POST   | /exec/abc/start                | ""                    | no-rule-for-path
          updater   | GET    | /containers/app/archive        | path=/                | no-rule-for-path
          updater   | PUT    | /containers/app/archive        | path=/                | no-rule-for-path
          updater   | POST   | /images/load                   | ""                    | method-not-allowed
          updater   | POST   | /build                         | ""                    | no-rule-for-path
          updater   | POST   | /containers/app/update         | ""                    | no-rule-for-path
          updater   | DELETE | /volumes/data                  | ""                    | no-rule-for-path
          updater   | GET    | /events                        | ""                    | no-rule-for-path
          """)
  void decidesWhatItsClientCalls(
      String preset, String method, String path, String query, String expected) {
    Policy policy = Presets.byName(preset).orElseThrow();

    Decision decision = policy.decide(new PolicyRequest(method, path, "?" + query));

    String actual = decision.ruleId().equals("-") ? decision.reason() : decision.ruleId();
    assertThat(actual).as(decision.toString()).isEqualTo(expected);
    assertThat(decision.allowed()).isEqualTo(expected.startsWith("allow-"));
    assertThat(decision.upgrade()).isFalse();
  }
}
