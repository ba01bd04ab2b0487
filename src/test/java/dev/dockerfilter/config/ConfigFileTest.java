package dev.dockerfilter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.dockerfilter.config.ConfigFile.ListenerDefinition;
import dev.dockerfilter.policy.ClientMatch;
import dev.dockerfilter.policy.Presets;
import dev.dockerfilter.policy.Rule;
import dev.dockerfilter.policy.RuleListPolicy;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigFileTest {

  private static final Path FILE = Path.of("/etc/docker-filter.yaml");

  @Test
  void readsSettingsPoliciesAndListeners() {
    ConfigFile file =
        parse(
            """
            upstream: unix:///run/docker.sock
            socket-mode: 0600
            idle-timeout: 30s
            max-connections: 64
            extends: read-only
            rules:
              - allow POST /containers/{container}/restart id=restart -- restarts crashed ones
              - deny GET /containers/{container}/logs if follow=1
            policies:
              agent:
                extends: main
                rules:
                  - 'allow GET /containers/{container}/stats if stream=0 -- note: one sample'
            listeners:
              - listen: unix:///run/df/main.sock
              - listen: unix:///run/df/agents.sock
                policy: agent
                mode: audit
                clients:
                  - uid: 1000
                    policy: read-only
                  - gid: 999
                  - uid: 0
                    gid: 0
              - listen: tcp://0.0.0.0:2375
                mode: enforce
                clients:
                  - cidr: 10.0.0.0/8
            """);

    assertThat(file.setting(Setting.UPSTREAM).orElseThrow().value())
        .isEqualTo("unix:///run/docker.sock");
    assertThat(file.setting(Setting.UPSTREAM).orElseThrow().where())
        .isEqualTo("/etc/docker-filter.yaml:1:11");
    assertThat(file.setting(Setting.SOCKET_MODE).orElseThrow().value()).isEqualTo("0600");
    assertThat(file.setting(Setting.SHUTDOWN_GRACE)).isEmpty();

    RuleListPolicy main = file.policies().get("main");
    assertThat(main.rules().subList(0, 2))
        .extracting(Rule::format)
        .containsExactly(
            "allow POST /containers/{container}/restart id=restart -- restarts crashed ones",
            "deny GET /containers/{container}/logs if follow=true id=main.2");
    assertThat(main.rules().subList(2, main.rules().size())).isEqualTo(Presets.readOnly().rules());
    RuleListPolicy agent = file.policies().get("agent");
    assertThat(agent.rules().get(0).format())
        .isEqualTo(
            "allow GET /containers/{container}/stats if stream=false id=agent.1 -- note: one"
                + " sample");
    assertThat(agent.rules().subList(1, agent.rules().size())).isEqualTo(main.rules());
    assertThat(file.defaultPolicyName()).isEqualTo("main");

    assertThat(file.listeners())
        .extracting(ListenerDefinition::policy, ListenerDefinition::audit)
        .containsExactly(tuple("main", false), tuple("agent", true), tuple("main", false));
    assertThat(file.listeners().get(1).clients())
        .extracting(c -> c.match().describe(), ConfigFile.ClientDefinition::policy)
        .containsExactly(
            tuple("uid=1000", "read-only"), tuple("gid=999", ""), tuple("uid=0 gid=0", ""));
    assertThat(file.listeners().get(2).clients().get(0).match())
        .isInstanceOf(ClientMatch.Network.class);
  }

  @Test
  void readsAnEmptyFileAsNoSettings() {
    ConfigFile file = parse("");

    assertThat(file.listeners()).isEmpty();
    assertThat(file.policies()).isEmpty();
    assertThat(file.defaultPolicyName()).isEqualTo("read-only");
  }

  @Test
  void readsTheRulesFileThatLearnWrites() {
    ConfigFile file = parse("rules:\n  - allow GET,HEAD /_ping id=ping\n");

    assertThat(file.policies().get("main").rules()).extracting(Rule::id).containsExactly("ping");
  }

  /** One row per broken file: the whole message, which names file, line, column, key and fix. */
  static Stream<Arguments> brokenFiles() {
    return Stream.of(
        broken(
            "upsteam: unix:///x\n",
            "1:1: upsteam: unknown key: 'upsteam' (expected one of: upstream, socket-mode,"
                + " socket-group, header-read-timeout, idle-timeout, upstream-connect-timeout,"
                + " upstream-header-timeout, shutdown-grace, max-initial-line-bytes,"
                + " max-header-bytes, max-connections, event-loop-threads, log-format, log-level,"
                + " redact, redact-keep-env, extends, rules, policies, listeners; did you mean 'upstream'?)"),
        broken("listen: unix:///x\n", "1:1: listen: unknown key: 'listen' (expected one of:"),
        broken(
            "upstream: http://x\n",
            "1:11: upstream: unsupported address: 'http://x' (expected unix:///path or"
                + " tcp://HOST:PORT)"),
        broken(
            "idle-timeout: 10\n",
            "1:15: idle-timeout: invalid duration: '10' (expected a number with ms, s, m or h,"
                + " e.g. 10s)"),
        broken("idle-timeout: 0\n", "1:15: idle-timeout: must be positive: '0' (e.g. 10s)"),
        broken(
            "\n\nmax-connections: 0\n",
            "3:18: max-connections: out of range: '0' (expected 1 to 1048576)"),
        broken(
            "socket-mode: 0999\n",
            "1:14: socket-mode: invalid socket mode: '0999' (expected octal permission bits,"
                + " e.g. 0660)"),
        broken(
            "log-format: xml\n", "1:13: log-format: unknown value: 'xml' (expected logfmt, json)"),
        broken("upstream:\n", "1:10: upstream: expected a value, got an empty value"),
        broken("upstream: [a]\n", "1:11: upstream: expected a value, got a list"),
        broken(
            "upstream: a\nupstream: b\n",
            "2:1: key given twice: 'upstream' (first at line 1; keep one)"),
        broken("- a\n", "1:1: (top level): expected a mapping of keys, got a list"),
        broken("a: b: c\n", "1:5: YAML syntax: mapping values are not allowed here"),
        // A TAB is named where it is, not at the end of the token before it.
        broken(
            "upstream: unix:///x.sock\n\tidle-timeout: 10s\n",
            "2:1: YAML syntax: while scanning for the next token: found character '\\t(TAB)'"),
        broken(
            "listeners:\n  - listen: unix:///a.sock\n\t  policy: traefik\n",
            "3:1: YAML syntax: while scanning for the next token: found character '\\t(TAB)'"),
        broken(
            "a: 1\n---\nb: 2\n",
            "3:1: more than one YAML document in the file: '---' (expected a single document)"),
        broken(
            "upstream: &u unix:///x\nidle-timeout: *u\n",
            "2:15: YAML alias: '*u' (expected the value written out)"),
        // rules
        broken(
            "rules:\n  - allow GET /_ping iff a=1\n",
            "2:5: rules[0]: unexpected word at column 18: 'iff' (expected if CONDITION,"
                + " upgrade, id=NAME or -- NOTE)"),
        broken(
            "rules:\n  - allow GET /x -- see: this\n",
            "2:5: rules[0]: YAML read this rule as a mapping because it holds ': ' (quote the"
                + " whole rule in single quotes: - 'allow … -- a: b')"),
        broken("rules: allow GET /x\n", "1:8: rules: expected a list ('- ' items), got a value"),
        broken(
            "rules:\n  - allow GET /a id=x\n  - allow GET /b id=x\n",
            "3:5: rules[1]: rule id used twice in policy 'main': 'x' (also at line 2; ids must"
                + " be unique)"),
        broken(
            "extends: read-only\nrules:\n  - allow GET /a id=allow-ping\n",
            "3:5: rules[0]: rule id already used by 'read-only', which this policy extends:"
                + " 'allow-ping' (choose another id; your rule is tried first anyway)"),
        // policies
        broken(
            "policies:\n  mine:\n    extends: treafik\n",
            "3:14: policies.mine.extends: unknown policy to extend: 'treafik' (expected a preset"
                + " or a policy of this file:"),
        broken(
            "policies:\n  a:\n    extends: b\n  b:\n    extends: a\n",
            "5:14: policies.b.extends: policies extend each other in a circle: 'a -> b -> a'"),
        broken(
            "policies:\n  read-only:\n    rules: []\n",
            "2:3: policies.read-only: policy name taken by a preset: 'read-only' (choose another"
                + " name; to start from the preset, write extends: read-only)"),
        broken(
            "policies:\n  Mine:\n    rules: []\n",
            "2:3: policies.Mine: bad policy name: 'Mine' (expected lowercase letters, digits,"
                + " '.', '_' or '-')"),
        broken(
            "rules: []\npolicies:\n  main:\n    rules: []\n",
            "3:3: policies.main: policy defined twice: 'main'"),
        broken(
            "policies:\n  a:\n    ext: read-only\n",
            "3:5: policies.a.ext: unknown key: 'ext' (expected one of: extends, rules; did you"
                + " mean 'extends'?)"),
        broken(
            "policies:\n  a:\n    rule: []\n",
            "3:5: policies.a.rule: unknown key: 'rule' (expected one of: extends, rules; did you"
                + " mean 'rules'?)"),
        // listeners
        broken("listeners: []\n", "1:12: listeners: no listener in the list: '[]'"),
        broken(
            "listeners:\n  - policy: read-only\n",
            "2:5: listeners[0]: listener without an address: 'listen' is missing"),
        broken(
            "listeners:\n  - listen: unix://relative.sock\n",
            "2:13: listeners[0].listen: unix socket path is relative: 'relative.sock'"),
        broken(
            "listeners:\n  - listen: unix:///a.sock\n  - listen: unix:///a.sock\n",
            "3:5: listeners[1].listen: listener given twice: 'unix:///a.sock' (also at"
                + " /etc/docker-filter.yaml:2:5; keep one)"),
        broken(
            "listeners:\n  - listen: unix:///a.sock\n    mode: enforced\n",
            "3:11: listeners[0].mode: unknown mode: 'enforced' (expected enforce, the default, or"
                + " audit"),
        broken(
            "listeners:\n  - listen: unix:///a.sock\n    redact: secrets\n",
            "3:13: listeners[0].redact: unknown thing to redact: 'secrets'"),
        broken("redact: [env]\n", "1:9: redact:"),
        broken(
            "redact-keep-env: DD_*\n",
            "1:18: redact-keep-env: not an environment variable name: 'DD_*'"),
        broken(
            "listeners:\n  - listen: unix:///a.sock\n    policy: treafik\n",
            "3:13: listeners[0].policy: unknown policy: 'treafik' (expected a preset or a"
                + " policy of this file:"),
        broken(
            "listeners:\n  - listen: unix:///a.sock\n    polcy: traefik\n",
            "3:5: listeners[0].polcy: unknown key: 'polcy' (expected one of: listen, policy,"
                + " mode, redact, clients; did you mean 'policy'?)"),
        broken(
            "listeners:\n  - listen: unix:///a.sock\n    clients:\n      - cidr: 10.0.0.0/8\n",
            "4:9: listeners[0].clients[0].cidr: an address range on a unix listener: 'cidr'"
                + " (expected uid and/or gid"),
        broken(
            "listeners:\n  - listen: tcp://0.0.0.0:2375\n    clients:\n      - uid: 0\n",
            "4:9: listeners[0].clients[0].uid: a user id on a tcp listener: 'uid' (expected"
                + " cidr"),
        broken(
            "listeners:\n  - listen: unix:///a.sock\n    clients:\n      - policy: read-only\n",
            "4:9: listeners[0].clients[0]: client rule names no client: 'uid' and 'gid' are"
                + " missing"),
        broken(
            "listeners:\n  - listen: unix:///a.sock\n    clients:\n      - uid: www-data\n",
            "4:14: listeners[0].clients[0].uid: not a numeric id: 'www-data' (expected a number"
                + " from 0 to 4294967294;"),
        broken(
            "listeners:\n  - listen: tcp://[::]:2375\n    clients:\n      - cidr: 10.0.0.1/8\n",
            "4:15: listeners[0].clients[0].cidr: host bits set in CIDR range: '10.0.0.1/8'"
                + " (expected 10.0.0.0/8)"),
        broken(
            "listeners:\n  - listen: tcp://[::]:2375\n    clients:\n      - cidr: example.com\n",
            "4:15: listeners[0].clients[0].cidr: not an IP range: 'example.com' (expected an"
                + " address and a prefix, e.g. 10.0.0.0/8)"));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("brokenFiles")
  void rejectsNamingFileLineKeyAndFix(String text, String message) {
    assertThatThrownBy(() -> parse(text))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("/etc/docker-filter.yaml:" + message);
  }

  @Test
  void pointsAListenKeyToTheListenersList() {
    // --listen is a flag; a file gives its listeners as a list, each with its own policy.
    assertThatThrownBy(() -> parse("listen: unix:///a.sock\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("/etc/docker-filter.yaml:1:1: listen: unknown key: 'listen'")
        .hasMessageEndingWith(
            ", listeners; did you mean 'listeners'? The file gives listeners as a list:"
                + " listeners: [{listen: unix:///path}])");
  }

  @Test
  void namesAFileThatCannotBeRead() {
    assertThatThrownBy(() -> ConfigFile.load(Path.of("/nonexistent/df.yaml")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("cannot read config file: '/nonexistent/df.yaml' (NoSuchFileException)");
  }

  private static Arguments broken(String text, String message) {
    return Arguments.of(text, message);
  }

  private static ConfigFile parse(String text) {
    return ConfigFile.parse(text, FILE);
  }
}
