package dev.dockerfilter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.dockerfilter.policy.Peer;
import dev.dockerfilter.policy.PeerPolicySelector;
import dev.dockerfilter.policy.Policy;
import dev.dockerfilter.redact.Redaction;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigurationTest {

  @TempDir Path dir;

  @Test
  void usesTheDefaultsWhenNothingIsGiven() {
    Configuration configuration = resolve(Map.of(), "", "", Map.of());

    assertThat(configuration.proxy().listeners())
        .containsExactly(Endpoint.parse("unix:///var/run/docker-filter/docker.sock"));
    assertThat(configuration.proxy().upstream().uri()).isEqualTo("unix:///var/run/docker.sock");
    assertThat(configuration.proxy().timeouts().idle()).isEqualTo(Duration.ofSeconds(60));
    assertThat(configuration.proxy().limits().maxConnections()).isEqualTo(1024);
    assertThat(configuration.policies()).containsOnlyKeys("read-only");
    assertThat(configuration.listeners().get(0).audit()).isFalse();
    assertThat(configuration.logFormat()).isEqualTo("logfmt");
    assertThat(configuration.logLevel()).isEqualTo("info");
    assertThat(configuration.policySource()).isEqualTo("default");
  }

  /** One row per setting source: which value wins. Flags and variables arrive as explicit. */
  @ParameterizedTest(name = "explicit={0} file={1} DOCKER_HOST={2} -> {3}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          unix:///flag.sock | unix:///file.sock | unix:///host.sock | unix:///flag.sock
          -                 | unix:///file.sock | unix:///host.sock | unix:///file.sock
          -                 | -                 | unix:///host.sock | unix:///host.sock
          -                 | -                 | ssh://remote      | unix:///var/run/docker.sock
          -                 | -                 | -                 | unix:///var/run/docker.sock
          """)
  void takesFlagsThenVariablesThenTheFileThenTheDefault(
      String explicit, String inFile, String dockerHost, String expected) throws IOException {
    Map<Setting, String> given = new EnumMap<>(Setting.class);
    if (!explicit.equals("-")) {
      given.put(Setting.UPSTREAM, explicit);
    }
    String file = write(inFile.equals("-") ? "idle-timeout: 5s\n" : "upstream: " + inFile + "\n");
    Map<String, String> environment =
        dockerHost.equals("-") ? Map.of() : Map.of("DOCKER_HOST", dockerHost);

    Configuration configuration = resolve(given, file, "", environment);

    assertThat(configuration.proxy().upstream().uri()).isEqualTo(expected);
  }

  @Test
  void mergesScalarSettingsOneByOne() throws IOException {
    String file = write("idle-timeout: 5s\nmax-connections: 7\nlog-format: json\n");

    Configuration configuration = resolve(Map.of(Setting.MAX_CONNECTIONS, "9"), file, "", Map.of());

    assertThat(configuration.proxy().timeouts().idle()).isEqualTo(Duration.ofSeconds(5));
    assertThat(configuration.proxy().limits().maxConnections()).isEqualTo(9);
    assertThat(configuration.logFormat()).isEqualTo("json");
  }

  @Test
  void buildsOnePlanPerFileListenerWithItsSelector() throws IOException {
    String file =
        write(
            """
            policies:
              agents:
                extends: exporter-like
              exporter-like:
                rules:
                  - allow GET /containers/json id=list
            listeners:
              - listen: unix:///run/df/one.sock
                policy: agents
              - listen: unix:///run/df/two.sock
                mode: audit
                clients:
                  - uid: 1000
                    policy: agents
                  - gid: 50
              - listen: tcp://0.0.0.0:2375
                clients:
                  - cidr: 10.0.0.0/8
                    policy: agents
                  - cidr: 192.168.1.7
            """);

    Configuration configuration = resolve(Map.of(), file, "", Map.of());

    List<ListenerPlan> plans = configuration.listeners();
    assertThat(plans)
        .extracting(plan -> plan.endpoint().uri(), ListenerPlan::audit)
        .containsExactly(
            tuple("unix:///run/df/one.sock", false),
            tuple("unix:///run/df/two.sock", true),
            tuple("tcp://0.0.0.0:2375", false));
    assertThat(configuration.proxy().listeners())
        .containsExactlyElementsOf(plans.stream().map(ListenerPlan::endpoint).toList());
    assertThat(configuration.policies()).containsOnlyKeys("agents", "read-only");

    assertThat(policyFor(plans.get(0), new Peer.Unix(5, 5, 1))).contains("agents");
    assertThat(policyFor(plans.get(1), new Peer.Unix(1000, 1, 1))).contains("agents");
    assertThat(policyFor(plans.get(1), new Peer.Unix(7, 50, 1))).contains("read-only");
    assertThat(policyFor(plans.get(1), new Peer.Unix(7, 7, 1))).contains("read-only");
    assertThat(policyFor(plans.get(1), new Peer.Unknown())).isEmpty();
    assertThat(policyFor(plans.get(2), tcp("10.20.30.40"))).contains("agents");
    assertThat(policyFor(plans.get(2), tcp("192.168.1.7"))).contains("read-only");
    assertThat(policyFor(plans.get(2), tcp("192.168.1.8"))).isEmpty();
    assertThat(policyFor(plans.get(2), tcp("::ffff:10.0.0.1"))).contains("agents");
  }

  @Test
  void givesListenFlagListenersThePresetOrTheFilesMainPolicy() throws IOException {
    String file =
        write(
            """
            rules:
              - allow GET /_ping id=ping
            listeners:
              - listen: unix:///run/df/from-file.sock
            """);
    Map<Setting, String> listen = Map.of(Setting.LISTEN, "unix:///a.sock, tcp://127.0.0.1:2375");

    Configuration withMain = resolve(listen, file, "", Map.of());
    Configuration withPreset = resolve(listen, file, "read-only", Map.of());

    assertThat(withMain.listeners())
        .extracting(plan -> plan.endpoint().uri())
        .containsExactly("unix:///a.sock", "tcp://127.0.0.1:2375");
    assertThat(policyFor(withMain.listeners().get(1), tcp("127.0.0.1"))).contains("main");
    assertThat(policyFor(withPreset.listeners().get(0), new Peer.Unknown())).contains("read-only");
  }

  @Test
  void letsThePresetReplaceEveryFileListenersPolicyButKeepsClientRules() throws IOException {
    String file =
        write(
            """
            policies:
              strict:
                rules: []
            listeners:
              - listen: unix:///run/df/one.sock
                policy: strict
                clients:
                  - uid: 0
                    policy: strict
            """);

    Configuration configuration = resolve(Map.of(), file, "read-only", Map.of());

    ListenerPlan plan = configuration.listeners().get(0);
    assertThat(policyFor(plan, new Peer.Unix(1, 1, 1))).contains("read-only");
    assertThat(policyFor(plan, new Peer.Unix(0, 0, 1))).contains("strict");
    assertThat(configuration.policySource()).isEqualTo("preset read-only");
  }

  @Test
  void auditFlagPutsEveryListenerInAuditMode() {
    Configuration configuration =
        Configuration.resolve(new Sources(Map.of(), "", "", true, Map.of()));

    assertThat(configuration.listeners()).allMatch(ListenerPlan::audit);
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          MAX_CONNECTIONS | x     | --max-connections or DOCKER_FILTER_MAX_CONNECTIONS: not a whole number: 'x' (expected 1 to 1048576)
          IDLE_TIMEOUT    | 0     | --idle-timeout or DOCKER_FILTER_IDLE_TIMEOUT: must be positive: '0' (e.g. 10s)
          LISTEN          | x.sock| --listen or DOCKER_FILTER_LISTEN: unsupported address: 'x.sock' (expected unix:///path or tcp://HOST:PORT)
          LOG_LEVEL       | trace | --log-level or DOCKER_FILTER_LOG_LEVEL: unknown value: 'trace' (expected debug, info, warn, error)
          """)
  void rejectsABadFlagNamingItAndItsVariable(Setting setting, String value, String message) {
    assertThatThrownBy(() -> resolve(Map.of(setting, value), "", "", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message);
  }

  @Test
  void rejectsAnUnknownPresetSuggestingTheNearest() {
    assertThatThrownBy(() -> resolve(Map.of(), "", "read-onyl", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("unknown preset: 'read-onyl' (expected one of: read-only")
        .hasMessageEndingWith("; did you mean 'read-only'?)");
  }

  @Test
  void rejectsAListenerThatIsTheUpstream() {
    assertThatThrownBy(
            () ->
                resolve(
                    Map.of(Setting.LISTEN, "unix:///x.sock", Setting.UPSTREAM, "unix:///x.sock"),
                    "",
                    "",
                    Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("a listener is the upstream socket: 'unix:///x.sock'");
  }

  private static Optional<String> policyFor(ListenerPlan plan, Peer peer) {
    assertThat(plan.selector()).isInstanceOf(PeerPolicySelector.class);
    return plan.selector().select(peer).map(Policy::name);
  }

  private static Peer tcp(String address) throws IOException {
    return new Peer.Tcp(InetAddress.getByName(address), 40000);
  }

  @Test
  void aListenerMayChooseItsOwnRedactionAndAFlagOverridesThemAll() throws IOException {
    String file =
        write(
            """
            redact: env
            redact-keep-env: DD_ENV, DD_SERVICE
            listeners:
              - listen: unix:///run/df/agent.sock
              - listen: unix:///run/df/dashboard.sock
                redact: all
              - listen: unix:///run/df/admin.sock
                redact: none
            """);

    List<ListenerPlan> fromFile = resolve(Map.of(), file, "", Map.of()).listeners();
    assertThat(fromFile)
        .extracting(plan -> plan.redaction().describe())
        .containsExactly(
            "env (keeping DD_ENV, DD_SERVICE)",
            "env (keeping DD_ENV, DD_SERVICE), swarm, logs",
            "none");

    List<ListenerPlan> withFlag =
        resolve(Map.of(Setting.REDACT, "logs"), file, "", Map.of()).listeners();
    assertThat(withFlag)
        .extracting(plan -> plan.redaction().describe())
        .as("a flag wins over the file, its listeners included")
        .containsExactly("logs", "logs", "logs");
  }

  @Test
  void redactsNothingByDefault() {
    assertThat(resolve(Map.of(), "", "", Map.of()).listeners().get(0).redaction())
        .isEqualTo(Redaction.OFF);
  }

  @Test
  void refusesAnUnknownThingToRedactFromAFlag() {
    assertThatThrownBy(() -> resolve(Map.of(Setting.REDACT, "secrets"), "", "", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "--redact or DOCKER_FILTER_REDACT: unknown thing to redact: 'secrets'");
  }

  private String write(String text) throws IOException {
    Path file = Files.createTempFile(dir, "config-", ".yaml");
    Files.writeString(file, text);
    return file.toString();
  }

  private static Configuration resolve(
      Map<Setting, String> explicit, String file, String preset, Map<String, String> env) {
    return Configuration.resolve(new Sources(explicit, file, preset, false, env));
  }
}
