package dev.dockerfilter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockerfilter.policy.Presets;
import dev.dockerfilter.policy.Rule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CheckConfigCommandTest {

  @TempDir Path dir;

  static Iterable<String> presets() {
    return Presets.names();
  }

  @ParameterizedTest(name = "--preset {0}")
  @MethodSource("presets")
  void printsEveryRuleOfAPresetWithItsId(String preset) {
    Commands result =
        Commands.run("--upstream", "unix:///e.sock", "check-config", "--preset", preset);

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .startsWith(
            "configuration is valid (policies from preset "
                + preset
                + ")\nupstream unix:///e.sock\nlistener unix:///var/run/docker-filter/docker.sock\n"
                + "  every client -> "
                + preset
                + "\n");
    for (Rule rule : Presets.byName(preset).orElseThrow().rules()) {
      assertThat(result.out()).contains("\n  " + rule.format() + "\n");
    }
  }

  @Test
  void printsListenersClientRulesAndEachPolicyOnce() throws IOException {
    Path config = dir.resolve("df.yaml");
    Files.writeString(
        config,
        """
        upstream: unix:///run/engine.sock
        policies:
          agents:
            extends: exporter
            rules:
              - allow GET /info id=info -- the agent's host check
        listeners:
          - listen: unix:///run/df/a.sock
            mode: audit
            clients:
              - uid: 1000
                policy: agents
          - listen: tcp://0.0.0.0:2375
            policy: agents
            clients:
              - cidr: 10.0.0.0/8
        """);

    Commands result = Commands.run("--config", config.toString(), "check-config");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .startsWith(
            "configuration is valid (policies from config file "
                + config
                + ")\n"
                + "upstream unix:///run/engine.sock\n"
                + "listener unix:///run/df/a.sock (audit)\n"
                + "  uid=1000 -> agents\n"
                + "  others -> read-only\n"
                + "listener tcp://0.0.0.0:2375\n"
                + "  cidr=10.0.0.0/8 -> agents\n"
                + "  others -> refused\n"
                + "\n"
                + "policy read-only (")
        .contains(
            "\npolicy agents (9 rules, first match wins, anything else denied)\n"
                + "  allow GET /info id=info -- the agent's host check\n"
                + "  allow GET,HEAD /_ping id=allow-ping -- API version negotiation\n");
  }

  @Test
  void rejectsAnInvalidFileWithExitCode2AndOneLine() throws IOException {
    Path config = dir.resolve("bad.yaml");
    Files.writeString(config, "listeners:\n  - listen: unix:///a.sock\n    polcy: x\n");

    Commands result = Commands.run("check-config", "--config", config.toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .isEqualTo(
            "docker-filter: invalid configuration: "
                + config
                + ":3:5: listeners[0].polcy: unknown key: 'polcy' (expected one of: listen,"
                + " policy, mode, redact, clients; did you mean 'policy'?)\n");
  }

  @Test
  void rejectsAnUnknownPreset() {
    Commands result = Commands.run("check-config", "--preset", "trafik");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("unknown preset: 'trafik'").contains("'traefik'?");
  }
}
