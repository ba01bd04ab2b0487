package dev.dockerfilter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dockerfilter.policy.Decision;
import dev.dockerfilter.policy.Peer;
import dev.dockerfilter.policy.Policy;
import dev.dockerfilter.policy.PolicyRequest;
import dev.dockerfilter.policy.Rule;
import dev.dockerfilter.policy.RuleListPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The migration table of docs/policy.md, row by row, on the policy the variables produce. */
class TecnativaEnvTest {

  @TempDir Path dir;

  /**
   * One row per variable set and request: allow or deny, then the deciding rule id or, when no rule
   * decides, the reason. "-" is the empty set of variables, which is not Tecnativa mode.
   */
  @ParameterizedTest(name = "{0}: {1} {2} -> {3} {4}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # Tecnativa's defaults: EVENTS, PING and VERSION on, everything else off
          PING=1                           | HEAD   | /_ping                    | allow | env-ping
          PING=0                           | GET    | /_ping                    | deny  | no-rule-for-path
          CONTAINERS=0                     | GET    | /_ping                    | allow | env-ping
          CONTAINERS=0                     | GET    | /version                  | allow | env-version
          CONTAINERS=0                     | GET    | /events                   | allow | env-events
          CONTAINERS=0                     | GET    | /info                     | deny  | no-rule-for-path
          CONTAINERS=0                     | GET    | /containers/json          | deny  | no-rule-for-path
          EVENTS=0                         | GET    | /events                   | deny  | no-rule-for-path
          # CONTAINERS=1: reads, but never archive, export, changes or attach
          CONTAINERS=1                     | GET    | /containers/json          | allow | env-containers-json
          CONTAINERS=1                     | GET    | /containers/app/json      | allow | env-containers-container-json
          CONTAINERS=1                     | GET    | /containers/app/logs      | allow | env-containers-container-logs
          CONTAINERS=1                     | GET    | /containers/app/stats     | allow | env-containers-container-stats
          CONTAINERS=1                     | GET    | /containers/app/top       | allow | env-containers-container-top
          CONTAINERS=1                     | GET    | /containers/localtest/busybox:latest/json | allow | env-containers-image-json
          CONTAINERS=1 POST=1              | POST   | /containers/localtest/busybox/json | deny | method-not-allowed
          CONTAINERS=0                     | GET    | /containers/localtest/busybox/json | deny | no-rule-for-path
          CONTAINERS=1                     | GET    | /containers/app/archive   | deny  | env-no-archive
          CONTAINERS=1                     | HEAD   | /containers/app/archive   | deny  | env-no-archive
          CONTAINERS=1                     | GET    | /containers/app/export    | deny  | env-no-export
          CONTAINERS=1                     | GET    | /containers/app/changes   | deny  | env-no-changes
          CONTAINERS=1                     | GET    | /containers/app/attach/ws | deny  | env-no-attach-ws
          CONTAINERS=1                     | POST   | /containers/app/start     | deny  | no-rule-for-path
          CONTAINERS=1                     | POST   | /containers/create        | deny  | no-rule-for-path
          CONTAINERS=1                     | DELETE | /containers/app           | deny  | no-rule-for-path
          CONTAINERS=1                     | GET    | /images/json              | deny  | no-rule-for-path
          CONTAINERS=1 POST=0              | POST   | /containers/app/kill      | deny  | no-rule-for-path
          # POST=1 opens writes on the enabled sections only
          CONTAINERS=1 POST=1              | POST   | /containers/app/start     | allow | env-containers-container-start
          CONTAINERS=1 POST=1              | POST   | /containers/create        | allow | env-containers-create
          CONTAINERS=1 POST=1              | DELETE | /containers/app           | allow | env-containers-container
          CONTAINERS=1 POST=1              | PUT    | /containers/app/archive   | deny  | env-no-archive
          CONTAINERS=1 POST=1              | POST   | /containers/app/attach    | deny  | env-no-attach
          CONTAINERS=1 POST=1              | POST   | /containers/app/exec      | deny  | env-no-exec
          CONTAINERS=1 POST=1              | POST   | /images/create            | deny  | no-rule-for-path
          CONTAINERS=1 POST=1              | POST   | /volumes/create           | deny  | no-rule-for-path
          POST=1                           | POST   | /containers/create        | deny  | no-rule-for-path
          IMAGES=1 POST=1                  | POST   | /images/create            | allow | env-images-create
          IMAGES=1 POST=1                  | DELETE | /images/localtest/busybox | allow | env-images-image
          IMAGES=1                         | GET    | /images/localtest/busybox/json | allow | env-images-image-json
          IMAGES=1                         | POST   | /images/create            | deny  | no-rule-for-path
          # ALLOW_START, ALLOW_STOP, ALLOW_RESTARTS work without POST=1 or CONTAINERS=1
          ALLOW_START=1                    | POST   | /containers/app/start     | allow | env-container-start
          ALLOW_START=1                    | POST   | /containers/app/stop      | deny  | no-rule-for-path
          ALLOW_START=1                    | GET    | /containers/json          | deny  | no-rule-for-path
          ALLOW_STOP=1                     | POST   | /containers/app/stop      | allow | env-container-stop
          ALLOW_RESTARTS=1                 | POST   | /containers/app/restart   | allow | env-container-restart
          ALLOW_RESTARTS=1                 | POST   | /containers/app/kill      | allow | env-container-kill
          ALLOW_RESTARTS=1                 | POST   | /containers/app/stop      | allow | env-container-stop
          ALLOW_RESTARTS=1                 | POST   | /containers/app/start     | deny  | no-rule-for-path
          ALLOW_PAUSE=1 ALLOW_UNPAUSE=1    | POST   | /containers/app/pause     | allow | env-container-pause
          ALLOW_PAUSE=1 ALLOW_UNPAUSE=1    | POST   | /containers/app/unpause   | allow | env-container-unpause
          CONTAINERS=1 ALLOW_START=1       | POST   | /containers/app/start     | allow | env-container-start
          # the carved-out routes, each with its own variable
          CONTAINERS=1 ALLOW_ARCHIVE=1     | GET    | /containers/app/archive   | allow | env-containers-container-archive
          ALLOW_ARCHIVE=1                  | HEAD   | /containers/app/archive   | allow | env-containers-container-archive
          ALLOW_ARCHIVE=1                  | PUT    | /containers/app/archive   | deny  | method-not-allowed
          ALLOW_ARCHIVE=1 POST=1           | PUT    | /containers/app/archive   | allow | env-containers-container-archive
          CONTAINERS=1 ALLOW_EXPORT=1      | GET    | /containers/app/export    | allow | env-containers-container-export
          CONTAINERS=1 ALLOW_EXPORT=1      | GET    | /containers/app/archive   | deny  | env-no-archive
          ALLOW_CHANGES=1                  | GET    | /containers/app/changes   | allow | env-containers-container-changes
          ALLOW_ATTACH=1                   | POST   | /containers/app/attach    | allow | env-containers-container-attach
          ALLOW_ATTACH=1                   | GET    | /containers/app/attach/ws | allow | env-containers-container-attach-ws
          # exec needs EXEC=1, and POST=1 to run anything
          EXEC=1                           | GET    | /exec/abc/json            | allow | env-exec-name-json
          EXEC=1                           | POST   | /exec/abc/start           | deny  | no-rule-for-path
          EXEC=1 POST=1                    | POST   | /exec/abc/start           | allow | env-exec-name-start
          EXEC=1 POST=1                    | POST   | /containers/app/exec      | allow | env-containers-container-exec
          CONTAINERS=1 EXEC=1 POST=1       | POST   | /containers/app/exec      | allow | env-containers-container-exec
          # the other sections
          INFO=1                           | GET    | /info                     | allow | env-info
          SYSTEM=1                         | GET    | /system/df                | allow | env-system-df
          NETWORKS=1                       | GET    | /networks/bridge          | allow | env-networks-name
          NETWORKS=1 POST=1                | POST   | /networks/create          | allow | env-networks-create
          VOLUMES=1                        | GET    | /volumes                  | allow | env-volumes
          SERVICES=1                       | GET    | /services/web/logs        | allow | env-services-name-logs
          TASKS=1                          | GET    | /tasks                    | allow | env-tasks
          NODES=1                          | GET    | /nodes                    | allow | env-nodes
          SWARM=1                          | GET    | /swarm                    | allow | env-swarm
          SECRETS=1                        | GET    | /secrets                  | allow | env-secrets
          CONFIGS=1                        | GET    | /configs/app              | allow | env-configs-name
          PLUGINS=1                        | GET    | /plugins                  | allow | env-plugins
          DISTRIBUTION=1                   | GET    | /distribution/busybox/json | allow | env-distribution-image-json
          BUILD=1                          | POST   | /build                    | deny  | no-rule-for-path
          BUILD=1 POST=1                   | POST   | /build                    | allow | env-build
          COMMIT=1 POST=1                  | POST   | /commit                   | allow | env-commit
          AUTH=1 POST=1                    | POST   | /auth                     | allow | env-auth
          SESSION=1 POST=1                 | POST   | /session                  | allow | env-session
          GRPC=1 POST=1                    | POST   | /grpc                     | allow | env-grpc
          # spellings of booleans
          CONTAINERS=true                  | GET    | /containers/json          | allow | env-containers-json
          CONTAINERS=yes                   | GET    | /containers/json          | allow | env-containers-json
          CONTAINERS=false                 | GET    | /containers/json          | deny  | no-rule-for-path
          CONTAINERS=                      | GET    | /containers/json          | deny  | no-rule-for-path
          """)
  void behavesAsTheMigrationTableSays(
      String variables, String method, String path, String verdict, String expected) {
    Policy policy = TecnativaEnv.policy(environment(variables));

    Decision decision = policy.decide(new PolicyRequest(method, path, ""));

    assertThat(decision.verdict().name().toLowerCase(Locale.ROOT))
        .as(decision.toString())
        .isEqualTo(verdict);
    String actual = decision.ruleId().equals("-") ? decision.reason() : decision.ruleId();
    assertThat(actual).as(decision.toString()).isEqualTo(expected);
  }

  @Test
  void letsExecStartAndAttachUpgradeOnlyWhenOpened() {
    Policy exec = TecnativaEnv.policy(environment("EXEC=1 POST=1"));
    Policy attach = TecnativaEnv.policy(environment("ALLOW_ATTACH=1"));
    Policy containers = TecnativaEnv.policy(environment("CONTAINERS=1 POST=1"));

    assertThat(exec.decide(new PolicyRequest("POST", "/exec/a/start", "")).upgrade()).isTrue();
    assertThat(exec.decide(new PolicyRequest("POST", "/exec/a/resize", "")).upgrade()).isFalse();
    assertThat(attach.decide(new PolicyRequest("POST", "/containers/a/attach", "")).upgrade())
        .isTrue();
    assertThat(attach.decide(new PolicyRequest("GET", "/containers/a/attach/ws", "")).upgrade())
        .isTrue();
    assertThat(containers.decide(new PolicyRequest("POST", "/containers/a/start", "")).upgrade())
        .isFalse();
  }

  @Test
  void explainsEachCarvedOutRouteWithTheVariableThatOpensIt() {
    RuleListPolicy policy = (RuleListPolicy) TecnativaEnv.policy(environment("CONTAINERS=1"));

    assertThat(policy.rules().get(0).format())
        .isEqualTo(
            "deny GET,HEAD /containers/{any}/archive id=env-no-archive -- CONTAINERS=1 does not"
                + " open archive; set ALLOW_ARCHIVE=1 for it");
    assertThat(policy.rules()).extracting(Rule::id).doesNotHaveDuplicates();
  }

  @Test
  void switchesOnWhenAnyVariableIsSetAndNeitherConfigNorPresetIsGiven() {
    Map<String, String> env = environment("CONTAINERS=1 SOCKET_PATH=/run/engine.sock");

    Configuration tecnativa = Configuration.resolve(new Sources(Map.of(), "", "", false, env));
    Configuration preset =
        Configuration.resolve(new Sources(Map.of(), "", "read-only", false, env));
    Configuration neither =
        Configuration.resolve(
            new Sources(Map.of(), "", "", false, Map.of("SOCKET_PATH", "/run/engine.sock")));

    assertThat(tecnativa.policies()).containsOnlyKeys("tecnativa-env");
    assertThat(tecnativa.policySource()).isEqualTo("Tecnativa variables (CONTAINERS=1)");
    assertThat(preset.policies()).containsOnlyKeys("read-only");
    assertThat(neither.policies()).containsOnlyKeys("read-only");
    assertThat(
            tecnativa.listeners().get(0).selector().select(new Peer.Unknown()).orElseThrow().name())
        .isEqualTo("tecnativa-env");
  }

  @ParameterizedTest(name = "{0} -> {1} {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          DISABLE_IPV6=1 LOG_LEVEL=warning      | tcp://0.0.0.0:2375 | warn
          DISABLE_IPV6=true LOG_LEVEL=err       | tcp://0.0.0.0:2375 | error
          DISABLE_IPV6=0 LOG_LEVEL=notice       | tcp://[::]:2375    | info
          LOG_LEVEL=debug                       | tcp://[::]:2375    | debug
          """)
  void mapsDisableIpv6AndLogLevel(String variables, String listener, String level) {
    Map<String, String> env = environment("PING=1 " + variables);

    Configuration configuration =
        Configuration.resolve(
            new Sources(Map.of(Setting.LISTEN, "tcp://[::]:2375"), "", "", false, env));

    assertThat(configuration.proxy().listeners().get(0).uri()).isEqualTo(listener);
    assertThat(configuration.logLevel()).isEqualTo(level);
  }

  /**
   * SOCKET_PATH and LOG_LEVEL name the engine and the log level, not a policy: they count whatever
   * chooses the policy, below the flags, their variables and the config file.
   */
  @ParameterizedTest(name = "{0} with {1}, file {2} -> {3} {4}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          CONTAINERS=1 | ''        | ''                                    | unix:///a.sock | warn
          ''           | ''        | ''                                    | unix:///a.sock | warn
          ''           | read-only | ''                                    | unix:///a.sock | warn
          CONTAINERS=1 | traefik   | ''                                    | unix:///a.sock | warn
          ''           | ''        | 'extends: read-only'                  | unix:///a.sock | warn
          ''           | ''        | 'upstream: unix:///f.sock'            | unix:///f.sock | warn
          ''           | ''        | 'log-level: error'                    | unix:///a.sock | error
          """)
  void readsSocketPathAndLogLevelWhateverChoosesThePolicy(
      String variables, String preset, String file, String upstream, String level)
      throws IOException {
    Map<String, String> env = environment(variables + " SOCKET_PATH=/a.sock LOG_LEVEL=warning");
    String configFile = "";
    if (!file.isEmpty()) {
      Path path = Files.writeString(dir.resolve("docker-filter.yaml"), file + "\n");
      configFile = path.toString();
    }

    Configuration configuration =
        Configuration.resolve(new Sources(Map.of(), configFile, preset, false, env));

    assertThat(configuration.proxy().upstream().uri()).isEqualTo(upstream);
    assertThat(configuration.logLevel()).isEqualTo(level);
  }

  @Test
  void refusesALogLevelItCannotReadWithoutPolicyVariablesToo() {
    Map<String, String> env = Map.of("LOG_LEVEL", "trace");

    assertThatThrownBy(() -> Configuration.resolve(new Sources(Map.of(), "", "", false, env)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("LOG_LEVEL: unknown level: 'trace'");
    assertThat(
            Configuration.resolve(
                    new Sources(Map.of(Setting.LOG_LEVEL, "debug"), "", "", false, env))
                .logLevel())
        .as("a level given our way wins, and LOG_LEVEL is not read")
        .isEqualTo("debug");
  }

  @Test
  void letsOurOwnVariablesWinOverTecnativasAliases() {
    Map<String, String> env = environment("PING=1 LOG_LEVEL=debug SOCKET_PATH=/a.sock");

    Configuration configuration =
        Configuration.resolve(
            new Sources(
                Map.of(Setting.LOG_LEVEL, "error", Setting.UPSTREAM, "unix:///b.sock"),
                "",
                "",
                false,
                env));

    assertThat(configuration.logLevel()).isEqualTo("error");
    assertThat(configuration.proxy().upstream().uri()).isEqualTo("unix:///b.sock");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          CONTAINERS=maybe | CONTAINERS: not a boolean: 'maybe' (expected 1 or 0, true or false)
          POST=-1          | POST: not a boolean: '-1' (expected 1 or 0, true or false)
          PING=1 LOG_LEVEL=trace | LOG_LEVEL: unknown level: 'trace' (expected debug, info, notice, warning, err, crit, alert or emerg)
          """)
  void rejectsValuesItCannotRead(String variables, String message) {
    assertThatThrownBy(
            () ->
                Configuration.resolve(new Sources(Map.of(), "", "", false, environment(variables))))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message);
  }

  private static Map<String, String> environment(String variables) {
    Map<String, String> env = new HashMap<>();
    for (String pair : variables.trim().split("\\s+")) {
      int equals = pair.indexOf('=');
      env.put(pair.substring(0, equals), pair.substring(equals + 1));
    }
    return env;
  }
}
