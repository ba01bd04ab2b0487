package dev.dockerfilter.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReadOnlyPolicyTest {

  private static final Set<String> REASONS =
      Set.of("allowed-by-rule", "denied-by-rule", "method-not-allowed", "no-rule-for-path");

  private final Policy policy = Presets.readOnly();

  /**
   * One row per request. The last column is the deciding rule's id, or, when no rule decides, the
   * reason code. Paths are canonical and without the version prefix, as the policy receives them.
   */
  @ParameterizedTest(name = "{0} {1}{2} -> {3} {4}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # System
          GET    | /_ping                                         |                        | ALLOW | allow-ping
          HEAD   | /_ping                                         |                        | ALLOW | allow-ping
          GET    | /version                                       |                        | ALLOW | allow-version
          HEAD   | /version                                       |                        | ALLOW | allow-version
          GET    | /info                                          |                        | ALLOW | allow-info
          HEAD   | /info                                          |                        | ALLOW | allow-info
          GET    | /events                                        | ?since=0&until=9       | ALLOW | allow-events
          HEAD   | /events                                        |                        | ALLOW | allow-events
          GET    | /system/df                                     |                        | ALLOW | allow-system-df
          HEAD   | /system/df                                     |                        | ALLOW | allow-system-df

          # Containers: ids, names with _ . - and upper case, names that look like endpoints
          GET    | /containers/json                               | ?all=1&filters=%7B%22status%22%3A%5B%22running%22%5D%7D | ALLOW | allow-container-list
          HEAD   | /containers/json                               |                        | ALLOW | allow-container-list
          GET    | /containers/4c01db0b339c/json                  |                        | ALLOW | allow-container-inspect
          HEAD   | /containers/4c01db0b339c/json                  |                        | ALLOW | allow-container-inspect
          GET    | /containers/my_app.web-1/json                  | ?size=1                | ALLOW | allow-container-inspect
          GET    | /containers/MyApp/json                         |                        | ALLOW | allow-container-inspect
          GET    | /containers/json/json                          |                        | ALLOW | allow-container-inspect
          GET    | /containers/export/json                        |                        | ALLOW | allow-container-inspect
          GET    | /containers/archive/json                       |                        | ALLOW | allow-container-inspect

          # docker inspect IMAGE asks container inspect first: an image reference must get the
          # engine's 404 (or, for a legacy link alias such as web/db, the linked container)
          GET    | /containers/localtest/busybox/json             |                        | ALLOW | allow-container-inspect-ref
          HEAD   | /containers/localtest/busybox:latest/json      |                        | ALLOW | allow-container-inspect-ref
          GET    | /containers/plain:v1/json                      |                        | ALLOW | allow-container-inspect-ref
          GET    | /containers/reg.example:5000/team/app:1.2/json |                        | ALLOW | allow-container-inspect-ref
          GET    | /containers/sha256:4c01db0b339c4c01db0b339c4c01db0b339c4c01db0b339c4c01db0b339c4c01/json | | ALLOW | allow-container-inspect-ref
          GET    | /containers/alpine@sha256:4c01db0b339c4c01db0b339c4c01db0b339c4c01db0b339c4c01db0b339c4c01/json | | ALLOW | allow-container-inspect-ref
          GET    | /containers/web/db/json                        |                        | ALLOW | allow-container-inspect-ref
          POST   | /containers/localtest/busybox/json             |                        | DENY  | method-not-allowed
          GET    | /containers/localtest/busybox/logs             |                        | DENY  | no-rule-for-path
          GET    | /containers/localtest/busybox:latest/export    |                        | DENY  | no-rule-for-path
          GET    | /containers/a:b/c/json                         |                        | DENY  | no-rule-for-path
          GET    | /containers/web/_db/json                       |                        | DENY  | no-rule-for-path
          GET    | /containers/my_app.web-1/logs                  | ?follow=1&stdout=1     | ALLOW | allow-container-logs
          HEAD   | /containers/my_app.web-1/logs                  |                        | ALLOW | allow-container-logs
          GET    | /containers/4c01db0b339c/top                   | ?ps_args=aux           | ALLOW | allow-container-top
          HEAD   | /containers/4c01db0b339c/top                   |                        | ALLOW | allow-container-top
          GET    | /containers/Web.1/stats                        | ?stream=1              | ALLOW | allow-container-stats
          HEAD   | /containers/Web.1/stats                        |                        | ALLOW | allow-container-stats

          # Images: namespaces, registry:port, tags, digests, ids, names that look like endpoints
          GET    | /images/json                                   | ?all=1                 | ALLOW | allow-image-list
          HEAD   | /images/json                                   |                        | ALLOW | allow-image-list
          GET    | /images/busybox/json                           |                        | ALLOW | allow-image-inspect
          HEAD   | /images/busybox/json                           |                        | ALLOW | allow-image-inspect
          GET    | /images/localtest/busybox/json                 |                        | ALLOW | allow-image-inspect
          GET    | /images/reg.example:5000/team/app:1.2/json     |                        | ALLOW | allow-image-inspect
          GET    | /images/localhost:5000/app/json                |                        | ALLOW | allow-image-inspect
          GET    | /images/ghcr.io/org/img:v1.0-rc_1/json         |                        | ALLOW | allow-image-inspect
          GET    | /images/alpine@sha256:4c01db0b339c4c01db0b339c4c01db0b339c4c01db0b339c4c01db0b339c4c01/json      | | ALLOW | allow-image-inspect
          GET    | /images/alpine:3.19@sha256:4c01db0b339c4c01db0b339c4c01db0b339c4c01db0b339c4c01db0b339c4c01/json | | ALLOW | allow-image-inspect
          GET    | /images/sha256:4c01db0b339c4c01db0b339c4c01db0b339c4c01db0b339c4c01db0b339c4c01/json             | | ALLOW | allow-image-inspect
          GET    | /images/4c01db0b339c/json                      |                        | ALLOW | allow-image-inspect
          GET    | /images/get/json                               |                        | ALLOW | allow-image-inspect
          GET    | /images/json/json                              |                        | ALLOW | allow-image-inspect
          GET    | /images/search/json                            |                        | ALLOW | allow-image-inspect
          GET    | /images/busybox/history                        |                        | ALLOW | allow-image-history
          HEAD   | /images/busybox/history                        |                        | ALLOW | allow-image-history
          GET    | /images/reg.example:5000/team/app:1.2/history  |                        | ALLOW | allow-image-history
          GET    | /images/get/history                            |                        | ALLOW | allow-image-history

          # Networks, volumes, exec, plugins
          GET    | /networks                                      | ?filters=%7B%7D        | ALLOW | allow-network-list
          HEAD   | /networks                                      |                        | ALLOW | allow-network-list
          GET    | /networks/bridge                               |                        | ALLOW | allow-network-inspect
          GET    | /networks/my_net-1.prod                        | ?verbose=true          | ALLOW | allow-network-inspect
          HEAD   | /networks/4c01db0b339c                         |                        | ALLOW | allow-network-inspect
          GET    | /volumes                                       |                        | ALLOW | allow-volume-list
          HEAD   | /volumes                                       |                        | ALLOW | allow-volume-list
          GET    | /volumes/Data_2.bak-x                          |                        | ALLOW | allow-volume-inspect
          HEAD   | /volumes/Data_2.bak-x                          |                        | ALLOW | allow-volume-inspect
          GET    | /exec/4c01db0b339c/json                        |                        | ALLOW | allow-exec-inspect
          HEAD   | /exec/4c01db0b339c/json                        |                        | ALLOW | allow-exec-inspect
          GET    | /plugins                                       |                        | ALLOW | allow-plugin-list
          HEAD   | /plugins                                       |                        | ALLOW | allow-plugin-list
          GET    | /plugins/vieux/sshfs:latest/json               |                        | ALLOW | allow-plugin-inspect
          HEAD   | /plugins/vieux/sshfs:latest/json               |                        | ALLOW | allow-plugin-inspect
          GET    | /plugins/privileges/json                       |                        | ALLOW | allow-plugin-inspect

          # Swarm
          GET    | /swarm                                         |                        | ALLOW | allow-swarm-inspect
          HEAD   | /swarm                                         |                        | ALLOW | allow-swarm-inspect
          GET    | /nodes                                         |                        | ALLOW | allow-node-list
          HEAD   | /nodes                                         |                        | ALLOW | allow-node-list
          GET    | /nodes/24ifsmvkjbyhk                           |                        | ALLOW | allow-node-inspect
          HEAD   | /nodes/worker-1.example                        |                        | ALLOW | allow-node-inspect
          GET    | /services                                      |                        | ALLOW | allow-service-list
          HEAD   | /services                                      |                        | ALLOW | allow-service-list
          GET    | /services/web_1                                |                        | ALLOW | allow-service-inspect
          HEAD   | /services/web_1                                |                        | ALLOW | allow-service-inspect
          GET    | /services/web_1/logs                           | ?follow=1              | ALLOW | allow-service-logs
          HEAD   | /services/web_1/logs                           |                        | ALLOW | allow-service-logs
          GET    | /tasks                                         |                        | ALLOW | allow-task-list
          HEAD   | /tasks                                         |                        | ALLOW | allow-task-list
          GET    | /tasks/0kzzo1i0y4jz                            |                        | ALLOW | allow-task-inspect
          HEAD   | /tasks/0kzzo1i0y4jz                            |                        | ALLOW | allow-task-inspect
          GET    | /configs                                       |                        | ALLOW | allow-config-list
          HEAD   | /configs                                       |                        | ALLOW | allow-config-list
          GET    | /configs/app.conf                              |                        | ALLOW | allow-config-inspect
          HEAD   | /configs/app.conf                              |                        | ALLOW | allow-config-inspect

          # C08: file reads through archive, export and changes
          GET    | /containers/abc/archive                        | ?path=/etc/shadow      | DENY  | deny-container-archive
          HEAD   | /containers/abc/archive                        | ?path=/root/.ssh       | DENY  | deny-container-archive
          GET    | /containers/abc/export                         |                        | DENY  | deny-container-export
          HEAD   | /containers/abc/export                         |                        | DENY  | deny-container-export
          GET    | /containers/abc/changes                        |                        | DENY  | deny-container-changes
          HEAD   | /containers/abc/changes                        |                        | DENY  | deny-container-changes
          GET    | /containers/json/export                        |                        | DENY  | deny-container-export
          GET    | /containers/export/export                      |                        | DENY  | deny-container-export
          GET    | /containers/json/archive                       | ?path=/                | DENY  | deny-container-archive
          GET    | /containers/-not-a-name!/export                |                        | DENY  | deny-container-export

          # C09: the attach websocket is a write over GET
          GET    | /containers/abc/attach/ws                      | ?stream=1&stdin=1&stdout=1 | DENY | deny-container-attach-ws
          GET    | /containers/abc/attach/ws                      |                        | DENY  | deny-container-attach-ws
          HEAD   | /containers/abc/attach/ws                      |                        | DENY  | deny-container-attach-ws

          # Images: tarballs, registry lookups, routes not on the list
          GET    | /images/get                                    | ?names=busybox         | DENY  | deny-image-export-all
          HEAD   | /images/get                                    |                        | DENY  | deny-image-export-all
          GET    | /images/busybox/get                            |                        | DENY  | deny-image-export
          GET    | /images/reg.example:5000/team/app:1.2/get      |                        | DENY  | deny-image-export
          GET    | /images/json/get                               |                        | DENY  | deny-image-export
          GET    | /images/get/get                                |                        | DENY  | deny-image-export
          GET    | /images/search                                 | ?term=busybox          | DENY  | deny-image-search
          HEAD   | /images/search                                 |                        | DENY  | deny-image-search
          GET    | /images/busybox/attestations                   |                        | DENY  | deny-image-attestations
          GET    | /distribution/busybox/json                     |                        | DENY  | deny-distribution-inspect
          GET    | /distribution/reg.example:5000/team/app:1.2/json |                      | DENY  | deny-distribution-inspect
          GET    | /plugins/privileges                            | ?remote=vieux/sshfs    | DENY  | deny-plugin-privileges

          # Secrets and raw channels
          GET    | /swarm/unlockkey                               |                        | DENY  | deny-swarm-unlockkey
          HEAD   | /swarm/unlockkey                               |                        | DENY  | deny-swarm-unlockkey
          GET    | /secrets                                       |                        | DENY  | deny-secret-list
          GET    | /secrets/db_password                           |                        | DENY  | deny-secret-inspect
          GET    | /session                                       |                        | DENY  | deny-session
          GET    | /grpc                                          |                        | DENY  | deny-grpc
          GET    | /tasks/0kzzo1i0y4jz/logs                       |                        | DENY  | deny-task-logs

          # C03: the query never takes part in matching
          GET    | /containers/abc/export                         | ?x=/json               | DENY  | deny-container-export
          GET    | /containers/abc/archive                        | ?path=/etc&y=/containers/json | DENY | deny-container-archive
          GET    | /containers                                    | ?/json                 | DENY  | no-rule-for-path
          GET    | /containers/abc                                | ?x=/json               | DENY  | no-rule-for-path

          # C01: a version prefix that survives prefix removal is just an unknown path
          GET    | /v1.41/containers/json                         |                        | DENY  | no-rule-for-path
          GET    | /v1.41/_ping                                   |                        | DENY  | no-rule-for-path
          GET    | /v1/containers/json                            |                        | DENY  | no-rule-for-path
          GET    | /vX.Y/containers/json                          |                        | DENY  | no-rule-for-path

          # C02: no wildcard segment in front of an allowed tail
          GET    | /libpod/_ping                                  |                        | DENY  | no-rule-for-path
          GET    | /v4.6.1/libpod/_ping                           |                        | DENY  | no-rule-for-path
          GET    | /anything/containers/json                      |                        | DENY  | no-rule-for-path
          GET    | /libpod/containers/abc/archive                 | ?path=/                | DENY  | no-rule-for-path

          # C06: what one decode leaves behind is judged as is, never decoded again
          GET    | /containers/abc%2Fexport                       |                        | DENY  | no-rule-for-path
          GET    | /containers/abc%2Fx/json                       |                        | DENY  | no-rule-for-path
          GET    | /%63ontainers/json                             |                        | DENY  | no-rule-for-path

          # Case-sensitive, anchored, and object names in the engine's grammar only
          GET    | /Containers/json                               |                        | DENY  | no-rule-for-path
          GET    | /containers/JSON                               |                        | DENY  | no-rule-for-path
          GET    | /containers/abc/JSON                           |                        | DENY  | no-rule-for-path
          GET    | /containers/_hidden/json                       |                        | DENY  | no-rule-for-path
          GET    | /containers/a b/json                           |                        | DENY  | no-rule-for-path
          GET    | /containers/json/x                             |                        | DENY  | no-rule-for-path
          GET    | /images/Busybox/json                           |                        | DENY  | no-rule-for-path
          GET    | /images/x/json/extra                           |                        | DENY  | no-rule-for-path
          GET    | /networks/a/b                                  |                        | DENY  | no-rule-for-path
          GET    | /containers                                    |                        | DENY  | no-rule-for-path
          GET    | /images                                        |                        | DENY  | no-rule-for-path
          GET    | /                                              |                        | DENY  | no-rule-for-path

          # GET routes of the engine that are not on the list
          GET    | /containers/abc/wait                           |                        | DENY  | no-rule-for-path
          GET    | /containers/abc/attach                         |                        | DENY  | no-rule-for-path
          GET    | /build                                         |                        | DENY  | no-rule-for-path
          GET    | /auth                                          |                        | DENY  | no-rule-for-path

          # Writes and other methods: a known path gets method-not-allowed, any other path none
          POST   | /containers/create                             | ?name=x                | DENY  | no-rule-for-path
          POST   | /containers/abc/start                          |                        | DENY  | no-rule-for-path
          POST   | /containers/abc/attach                         | ?stream=1&stdin=1      | DENY  | no-rule-for-path
          POST   | /exec/abc/start                                |                        | DENY  | no-rule-for-path
          POST   | /containers/prune                              |                        | DENY  | no-rule-for-path
          DELETE | /containers/abc                                | ?force=1               | DENY  | no-rule-for-path
          DELETE | /images/busybox                                |                        | DENY  | no-rule-for-path
          POST   | /images/create                                 | ?fromImage=busybox     | DENY  | no-rule-for-path
          POST   | /build                                         |                        | DENY  | no-rule-for-path
          POST   | /_ping                                         |                        | DENY  | method-not-allowed
          POST   | /containers/abc/json                           |                        | DENY  | method-not-allowed
          PUT    | /containers/abc/archive                        | ?path=/tmp             | DENY  | method-not-allowed
          POST   | /containers/abc/export                         |                        | DENY  | method-not-allowed
          DELETE | /networks/bridge                               |                        | DENY  | method-not-allowed
          DELETE | /volumes/data                                  |                        | DENY  | method-not-allowed
          POST   | /swarm/unlockkey                               |                        | DENY  | method-not-allowed
          POST   | /session                                       |                        | DENY  | method-not-allowed
          POST   | /grpc                                          |                        | DENY  | method-not-allowed
          DELETE | /plugins/vieux/sshfs:latest                    |                        | DENY  | no-rule-for-path
          POST   | /plugins/vieux/sshfs:latest/json               |                        | DENY  | method-not-allowed
          OPTIONS| /_ping                                         |                        | DENY  | method-not-allowed
          TRACE  | /version                                       |                        | DENY  | method-not-allowed
          PATCH  | /containers/json                               |                        | DENY  | method-not-allowed
          CONNECT| /events                                        |                        | DENY  | method-not-allowed
          get    | /_ping                                         |                        | DENY  | method-not-allowed
          Get    | /containers/json                               |                        | DENY  | method-not-allowed
          """)
  void decides(String method, String path, String query, Verdict verdict, String expected) {
    Decision decision = policy.decide(new PolicyRequest(method, path, query == null ? "" : query));

    assertThat(decision.verdict()).isEqualTo(verdict);
    if (REASONS.contains(expected)) {
      assertThat(decision.reason()).isEqualTo(expected);
      assertThat(decision.ruleId()).isEqualTo("-");
    } else {
      assertThat(decision.ruleId()).isEqualTo(expected);
      assertThat(decision.reason())
          .isEqualTo(verdict == Verdict.ALLOW ? "allowed-by-rule" : "denied-by-rule");
    }
    assertThat(decision.note()).isNotBlank();
  }

  @Test
  void everyRuleDecidesSomeRequestSoNoneIsShadowed() {
    RuleListPolicy readOnly = (RuleListPolicy) policy;

    for (Rule rule : readOnly.rules()) {
      String path =
          rule.path()
              .toString()
              .replace("{container}", "abc")
              .replace("{image}", "localtest/busybox:latest")
              .replace("{plugin}", "vieux/sshfs")
              .replace("{name}", "abc")
              .replace("{any}", "abc");
      for (String method : rule.methods()) {
        Decision decision = policy.decide(new PolicyRequest(method, path, ""));

        assertThat(decision.ruleId()).as("%s %s", method, path).isEqualTo(rule.id());
        assertThat(decision.note()).isEqualTo(rule.note());
      }
    }
  }

  @Test
  void allowsOnlyGetAndHead() {
    RuleListPolicy readOnly = (RuleListPolicy) policy;

    assertThat(readOnly.rules())
        .allSatisfy(rule -> assertThat(rule.methods()).containsExactly("GET", "HEAD"));
  }

  @Test
  void explainsDenialsWithoutARule() {
    Decision unknownPath = policy.decide(new PolicyRequest("GET", "/libpod/_ping", ""));
    Decision write = policy.decide(new PolicyRequest("POST", "/containers/abc/json", ""));

    assertThat(unknownPath.note()).isEqualTo("no rule of policy 'read-only' matches this path");
    assertThat(write.note())
        .isEqualTo(
            "no rule of policy 'read-only' allows this method on this path (allowed: GET, HEAD)");
  }

  @Test
  void saysWhyArchiveIsDenied() {
    Decision decision =
        policy.decide(new PolicyRequest("HEAD", "/containers/abc/archive", "?path=/"));

    assertThat(decision.note()).contains("HEAD").contains("metadata");
  }

  @Test
  void survivesVeryLongPaths() {
    String longImage = "/images/" + "a/".repeat(50_000) + "json";
    String longSegment = "/containers/" + "a".repeat(100_000) + "/json";

    assertThat(policy.decide(new PolicyRequest("GET", longImage, "")).reason())
        .isEqualTo("no-rule-for-path");
    assertThat(policy.decide(new PolicyRequest("GET", longSegment, "")).ruleId())
        .isEqualTo("allow-container-inspect");
  }

  @Test
  void isNamedReadOnlyAndShared() {
    assertThat(policy.name()).isEqualTo("read-only");
    assertThat(Presets.readOnly()).isSameAs(policy);
  }
}
