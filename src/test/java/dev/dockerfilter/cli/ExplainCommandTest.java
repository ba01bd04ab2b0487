package dev.dockerfilter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExplainCommandTest {

  @TempDir Path dir;

  @Test
  void showsThePathTheRuleAndTheDecisionOfAnAllowedRequest() {
    Commands result =
        Commands.run("explain", "--preset", "traefik", "GET", "/v1.41/containers/json?all=1");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .isEqualTo(
            """
            request   GET /v1.41/containers/json?all=1
            path      /containers/json
            version   1.41
            query     ?all=1
            listener  unix:///var/run/docker-filter/docker.sock
            client    any that no per-client rule singles out
            policy    traefik
            rule      allow GET,HEAD /containers/json id=allow-container-list -- every container, all=1
            decision  allow (allowed-by-rule)
            reason    every container, all=1
            upgrade   no
            """);
  }

  @Test
  void showsThatRedactionRefusesLogsAndRewritesInspectAnswers() throws IOException {
    Path file = Files.writeString(dir.resolve("redact.yaml"), "redact: all\n");

    Commands logs =
        Commands.run("explain", "--config", file.toString(), "GET", "/containers/web/logs");
    Commands inspect =
        Commands.run("explain", "--config", file.toString(), "GET", "/containers/web/json");
    Commands flag = Commands.run("--redact", "explain", "GET", "/containers/web/logs");

    assertThat(logs.exitCode()).isEqualTo(1);
    assertThat(logs.out())
        .contains("listener  unix:///var/run/docker-filter/docker.sock (redact env, swarm, logs)\n")
        .contains("rule      redact-logs\n")
        .contains("decision  deny (logs-not-redactable)\n");
    assertThat(inspect.exitCode()).isZero();
    assertThat(inspect.out()).endsWith("answer    redacted: env, swarm\n");
    assertThat(flag.out()).isEqualTo(logs.out());
  }

  @Test
  void exitsWith1OnADenialAndNamesTheRule() {
    Commands result = Commands.run("explain", "GET", "/containers/web/export");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out())
        .contains(
            "rule      deny GET,HEAD /containers/{any}/export id=deny-container-export -- streams"
                + " the container's whole filesystem as a tar archive\n"
                + "decision  deny (denied-by-rule)\n");
  }

  @Test
  void decodesAndSplitsTheTargetAsTheProxyDoes() {
    Commands result = Commands.run("explain", "GET", "/v1.41/%63ontainers/a%2Fb/export");

    assertThat(result.out()).contains("path      /containers/a/b/export\n");
    assertThat(result.out()).contains("decision  deny (no-rule-for-path)\n");
  }

  @Test
  void saysWhenTheTargetWouldBeRejected() {
    Commands result = Commands.run("explain", "GET", "/v1.41/containers/../secrets");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out())
        .endsWith(
            "decision  reject (400): dot segment in decoded path: '/v1.41/containers/../secrets'"
                + " (no '.' or '..' segment)\n");
  }

  @Test
  void picksThePolicyOfTheListenerAndClientGiven() throws IOException {
    Path config = dir.resolve("df.yaml");
    Files.writeString(
        config,
        """
        listeners:
          - listen: unix:///run/df/a.sock
          - listen: tcp://127.0.0.1:2375
            clients:
              - cidr: 10.0.0.0/8
                policy: updater
        """);
    String file = config.toString();

    Commands updater =
        Commands.run(
            "explain",
            "--config",
            file,
            "--listener",
            "tcp://127.0.0.1:2375",
            "--client",
            "10.1.2.3",
            "POST",
            "/containers/web/start");
    Commands refused =
        Commands.run(
            "explain",
            "--config",
            file,
            "--listener",
            "tcp://127.0.0.1:2375",
            "--client",
            "192.168.0.1",
            "GET",
            "/_ping");
    Commands unknownListener =
        Commands.run("explain", "--config", file, "--listener", "unix:///x.sock", "GET", "/_ping");

    assertThat(updater.exitCode()).isZero();
    assertThat(updater.out())
        .contains("client    10.1.2.3\npolicy    updater\n")
        .contains("decision  allow (allowed-by-rule)");
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.out())
        .endsWith("decision  refused: the listener serves no policy to this client\n");
    assertThat(unknownListener.exitCode()).isEqualTo(2);
    assertThat(unknownListener.err())
        .contains(
            "no such listener: 'unix:///x.sock' (expected one of: unix:///run/df/a.sock,"
                + " tcp://127.0.0.1:2375)");
  }

  @Test
  void marksAnUpgradeAndAuditMode() throws IOException {
    Path config = dir.resolve("df.yaml");
    Files.writeString(
        config,
        """
        rules:
          - allow POST /exec/{name}/start upgrade id=exec-start
        listeners:
          - listen: unix:///run/df/a.sock
            mode: audit
        """);

    Commands exec =
        Commands.run("explain", "--config", config.toString(), "POST", "/exec/ab/start");
    Commands audit = Commands.run("explain", "--config", config.toString(), "GET", "/_ping");

    assertThat(exec.out()).contains("listener  unix:///run/df/a.sock (audit)\n");
    assertThat(exec.out()).endsWith("upgrade   allowed\n");
    assertThat(audit.out())
        .contains(
            "decision  deny, forwarded anyway and logged as would-deny (audit mode)"
                + " (no-rule-for-path)\n");
  }

  @Test
  void rejectsABadClient() {
    Commands result = Commands.run("explain", "--client", "root", "GET", "/_ping");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .contains("bad --client: 'root' (expected uid=N, uid=N,gid=N, gid=N or an IP address)");
  }
}
