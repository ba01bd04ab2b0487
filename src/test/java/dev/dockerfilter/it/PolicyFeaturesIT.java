package dev.dockerfilter.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Policies beyond the read-only default, against the real engine and the real docker CLI: upgrades
 * a rule allows, a policy per uid, audit mode, and a reload by SIGHUP.
 */
class PolicyFeaturesIT {
  private static final Duration WAIT = Duration.ofSeconds(15);

  private static Engine engine;
  private static String fixture;

  @BeforeAll
  static void startFixture() {
    engine = Engine.fromEnvironment();
    fixture = Engine.uniqueName("features");
    engine.run(fixture, "sh", "-c", "while true; do echo tick; sleep 0.3; done");
  }

  @AfterAll
  static void removeFixture() {
    if (fixture != null) {
      engine.remove(fixture);
    }
  }

  private static Path config(ProxyProcess.Builder builder, String yaml) throws IOException {
    Path file = builder.dir().resolve("docker-filter.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  @Test
  void execAndAttachWorkThroughAPolicyThatAllowsThem() throws Exception {
    ProxyProcess.Builder builder = ProxyProcess.builder(engine);
    Path file =
        config(
            builder,
            String.join(
                "\n",
                "extends: read-only",
                "rules:",
                "  - allow POST /containers/{container}/exec id=exec-create",
                "  - allow POST /exec/{name}/start upgrade id=exec-start",
                "  - allow POST /exec/{name}/resize id=exec-resize",
                "  - allow POST /containers/{container}/attach upgrade id=attach",
                ""));
    try (ProxyProcess proxy = builder.options("--config", file.toString()).start()) {
      DockerCli docker = DockerCli.through(proxy);
      DockerCli.Result exec = docker.run("exec", fixture, "echo", "from-exec");
      assertThat(exec.exitCode()).as("%s", exec).isZero();
      assertThat(exec.stdout()).isEqualTo("from-exec\n");

      // stdin through the tunnel, ended by a half-close: cat exits when its input ends.
      String echoed = execWithStdin(proxy, "line one\nline two\n", "cat");
      assertThat(echoed).isEqualTo("line one\nline two\n");

      try (DockerCli.Running attach =
          docker.start("attach", "--no-stdin", "--sig-proxy=false", fixture)) {
        attach.awaitStdout("tick", WAIT);
      }
      // A tunnel's access line is written when it closes, just after the CLI exits.
      proxy.awaitOutput("rule=exec-start reason=allowed-by-rule status=101");
    }
  }

  @Test
  void theDefaultRefusesExecAndAttach() throws Exception {
    try (ProxyProcess proxy = ProxyProcess.start(engine)) {
      DockerCli docker = DockerCli.through(proxy);
      DockerCli.Result exec = docker.run("exec", fixture, "true");
      assertThat(exec.exitCode()).isNotZero();
      assertThat(exec.stderr()).contains("docker-filter refused POST /containers/" + fixture);
      DockerCli.Result attach = docker.run(Duration.ofSeconds(10), "attach", "--no-stdin", fixture);
      assertThat(attach.exitCode()).isNotZero();
      // On a hijacking request the CLI ignores the body and prints only the status.
      assertThat(attach.stderr()).contains("received 403");
      proxy.awaitOutput("path=/containers/" + fixture + "/attach decision=deny");
    }
  }

  @Test
  void aClientOfAnotherUidGetsThatUidsPolicy() throws Exception {
    ProxyProcess.Builder builder = ProxyProcess.builder(engine);
    Path file =
        config(
            builder,
            String.join(
                "\n",
                "policies:",
                "  ping-only:",
                "    rules:",
                "      - allow GET,HEAD /_ping id=ping",
                "      - allow GET /version id=version",
                "listeners:",
                "  - listen: unix://" + builder.dir().resolve("uid.sock"),
                "    policy: ping-only",
                "    clients:",
                "      - uid: 65534",
                "        policy: read-only",
                ""));
    builder.listenersFromConfig("unix://" + builder.dir().resolve("uid.sock"));
    try (ProxyProcess proxy =
        builder.options("--config", file.toString(), "--socket-mode", "0666").start()) {
      Files.setPosixFilePermissions(
          builder.dir(), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
      String asRoot = runAs(List.of(), proxy, "ps", "--format", "{{.Names}}");
      assertThat(asRoot).contains("docker-filter refused GET /containers/json");
      String asNobody =
          runAs(
              List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"),
              proxy,
              "ps",
              "--format",
              "{{.Names}}");
      assertThat(asNobody).contains(fixture).doesNotContain("refused");
      proxy.awaitOutput("client=\"uid=65534,", "rule=allow-container-list");
    }
  }

  @Test
  void auditModeForwardsWhatItWouldDenyAndSaysSo() throws Exception {
    try (ProxyProcess proxy = ProxyProcess.builder(engine).options("--audit").start()) {
      DockerCli.Result diff = DockerCli.through(proxy).run("diff", fixture);
      assertThat(diff.exitCode()).as("%s", diff).isZero();
      proxy.awaitOutput("path=/containers/" + fixture + "/changes decision=would-deny");
    }
  }

  @Test
  void sighupAppliesNewRulesToNewRequestsWhileAStreamStaysOpen() throws Exception {
    ProxyProcess.Builder builder = ProxyProcess.builder(engine);
    Path file = config(builder, "extends: read-only\n");
    try (ProxyProcess proxy = builder.options("--config", file.toString()).start();
        RawHttp events = RawHttp.connect("unix://" + proxy.socket())) {
      events.send(RawHttp.request("GET", "/v1.41/events", null));
      assertThat(events.readHead(WAIT).status()).isEqualTo(200);
      assertThat(info(proxy)).isEqualTo(200);

      Files.writeString(file, "extends: read-only\nrules:\n  - deny GET,HEAD /info id=no-info\n");
      hangUp(proxy);
      assertThat(Poll.until(WAIT, () -> proxy.output().contains("msg=reloaded"))).isTrue();
      assertThat(info(proxy)).isEqualTo(403);

      Files.writeString(file, "extends: read-only\nrulez: []\n");
      hangUp(proxy);
      assertThat(Poll.until(WAIT, () -> proxy.output().contains("reload refused"))).isTrue();
      assertThat(info(proxy)).isEqualTo(403);

      String name = Engine.uniqueName("reload");
      engine.create(name, "true");
      try {
        String seen = "";
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!seen.contains(name) && System.nanoTime() < deadline) {
          RawHttp.Chunk chunk = events.readChunk(WAIT);
          assertThat(chunk.kind()).isEqualTo(RawHttp.Chunk.Kind.DATA);
          seen += new String(chunk.data(), StandardCharsets.UTF_8);
        }
        assertThat(seen).contains(name);
      } finally {
        engine.remove(name);
      }
    }
  }

  @Test
  void aFormBodyCannotOverrideTheQueryAConditionChecked() throws Exception {
    // The updater preset allows a pull only "if fromImage=* and !fromSrc"; the engine would read
    // a form body's fromSrc first and import from that URL instead.
    try (ProxyProcess proxy = ProxyProcess.builder(engine).options("--preset", "updater").start()) {
      String body = "fromImage=&fromSrc=http://127.0.0.1:1/x.tar";
      String request =
          "POST /v1.41/images/create?fromImage=Not_Valid HTTP/1.1\r\nHost: d\r\n"
              + "Content-Type: application/x-www-form-urlencoded\r\n"
              + "Content-Length: "
              + body.length()
              + "\r\n\r\n"
              + body;
      RawHttp.Response response = RawHttp.exchange("unix://" + proxy.socket(), request, WAIT);
      assertThat(response.status()).isEqualTo(400);
      assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("form body refused");
      assertThat(proxy.awaitOutput("decision=reject")).doesNotContain("path=/images/create");
    }
  }

  private static int info(ProxyProcess proxy) throws IOException {
    return RawHttp.exchange(
            "unix://" + proxy.socket(), RawHttp.request("GET", "/v1.41/info", null), WAIT)
        .status();
  }

  private static void hangUp(ProxyProcess proxy) throws Exception {
    Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(proxy.pid())).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }

  /** Runs the docker CLI with {@code stdin} piped in, and returns what it printed. */
  private static String execWithStdin(ProxyProcess proxy, String stdin, String... command)
      throws Exception {
    List<String> args = new ArrayList<>(List.of(docker(), "-H", "unix://" + proxy.socket()));
    args.addAll(List.of("exec", "-i", fixture));
    args.addAll(List.of(command));
    Process process = cli(args).start();
    try (OutputStream in = process.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("docker exec -i ended").isTrue();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as("docker exec -i: %s", out).isZero();
    return out;
  }

  /** Runs the docker CLI, under {@code prefix} (e.g. setpriv), and returns stdout and stderr. */
  private static String runAs(List<String> prefix, ProxyProcess proxy, String... args)
      throws Exception {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of(docker(), "-H", "unix://" + proxy.socket()));
    command.addAll(List.of(args));
    Process process =
        cli(command)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  private static ProcessBuilder cli(List<String> command) throws IOException {
    Path config = Files.createTempDirectory("docker-cli-");
    Files.setPosixFilePermissions(
        config, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(n -> n.startsWith("DOCKER_"));
    builder.environment().put("DOCKER_CONFIG", config.toString());
    builder.environment().put("HOME", config.toString());
    return builder;
  }

  private static String docker() {
    return Files.isExecutable(Path.of("/usr/local/bin/docker"))
        ? "/usr/local/bin/docker"
        : "docker";
  }
}
