package dev.dockerfilter.cli;

import dev.dockerfilter.admin.Admin;
import dev.dockerfilter.config.Durations;
import dev.dockerfilter.config.Endpoint;
import dev.dockerfilter.config.ProxyConfig;
import dev.dockerfilter.observability.AccessLog;
import dev.dockerfilter.observability.LogFormat;
import dev.dockerfilter.observability.Logging;
import dev.dockerfilter.policy.Policy;
import dev.dockerfilter.policy.Presets;
import dev.dockerfilter.proxy.ProxyServer;
import dev.dockerfilter.transport.ListenerException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the proxy in the foreground until SIGTERM or SIGINT. */
@Command(
    name = "docker-filter",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    subcommands = {HealthcheckCommand.class},
    sortOptions = false,
    usageHelpWidth = 100,
    description = {
      "A filtering proxy for the Docker Engine API socket. By default it lets clients",
      "read (GET/HEAD on a list of read endpoints) and refuses everything else.",
      ""
    },
    footer = {
      "",
      "Every option can also be set with an environment variable DOCKER_FILTER_<NAME>,",
      "e.g. DOCKER_FILTER_SOCKET_MODE=0660 or DOCKER_FILTER_LISTEN=unix:///a.sock,tcp://127.0.0.1:2375.",
      "A flag wins over its variable. Durations: 500ms, 10s, 2m, 1h.",
      "",
      "Exit codes:",
      "  0  clean shutdown after SIGTERM or SIGINT",
      "  1  failure while running",
      "  2  bad usage or invalid configuration",
      "  3  a listener could not be opened (live socket or other file at the path, bind error)"
    })
final class RunCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Spec CommandSpec spec;

  @Option(
      names = "--listen",
      paramLabel = "URI",
      split = ",",
      defaultValue = "${env:DOCKER_FILTER_LISTEN:-unix:///var/run/docker-filter/docker.sock}",
      description =
          "Where clients connect: unix:///path or tcp://HOST:PORT. Repeatable. "
              + "Default: ${DEFAULT-VALUE}.")
  List<String> listen;

  @Option(
      names = "--upstream",
      paramLabel = "URI",
      defaultValue = "${env:DOCKER_FILTER_UPSTREAM}",
      description =
          "The Docker Engine socket. Default: DOCKER_HOST when it is unix:// or "
              + "tcp://, else unix:///var/run/docker.sock.")
  String upstream;

  @Option(
      names = "--socket-mode",
      paramLabel = "MODE",
      defaultValue = "${env:DOCKER_FILTER_SOCKET_MODE:-0660}",
      description =
          "Permission bits of unix socket files, set before the first accept. "
              + "Default: ${DEFAULT-VALUE}.")
  String socketMode;

  @Option(
      names = "--socket-group",
      paramLabel = "GROUP",
      defaultValue = "${env:DOCKER_FILTER_SOCKET_GROUP:-}",
      description = "Group (name or gid) of unix socket files. Default: the process's group.")
  String socketGroup;

  @Option(
      names = "--header-read-timeout",
      paramLabel = "DURATION",
      defaultValue = "${env:DOCKER_FILTER_HEADER_READ_TIMEOUT:-10s}",
      description =
          "Time from a request's first byte to its full header block. "
              + "Default: ${DEFAULT-VALUE}.")
  String headerReadTimeout;

  @Option(
      names = "--idle-timeout",
      paramLabel = "DURATION",
      defaultValue = "${env:DOCKER_FILTER_IDLE_TIMEOUT:-60s}",
      description =
          "Time a kept-alive connection may wait for its next request. Never applies "
              + "to a response in progress. Default: ${DEFAULT-VALUE}.")
  String idleTimeout;

  @Option(
      names = "--upstream-connect-timeout",
      paramLabel = "DURATION",
      defaultValue = "${env:DOCKER_FILTER_UPSTREAM_CONNECT_TIMEOUT:-5s}",
      description = "Time to connect to the engine. Default: ${DEFAULT-VALUE}.")
  String upstreamConnectTimeout;

  @Option(
      names = "--upstream-header-timeout",
      paramLabel = "DURATION",
      defaultValue = "${env:DOCKER_FILTER_UPSTREAM_HEADER_TIMEOUT:-5m}",
      description =
          "Time for the engine to start its answer (0: no limit); a stream that has "
              + "started is never cut. Default: ${DEFAULT-VALUE}.")
  String upstreamHeaderTimeout;

  @Option(
      names = "--shutdown-grace",
      paramLabel = "DURATION",
      defaultValue = "${env:DOCKER_FILTER_SHUTDOWN_GRACE:-10s}",
      description =
          "After SIGTERM, how long open exchanges and streams may go on. "
              + "Default: ${DEFAULT-VALUE}.")
  String shutdownGrace;

  @Option(
      names = "--max-initial-line-bytes",
      paramLabel = "N",
      defaultValue = "${env:DOCKER_FILTER_MAX_INITIAL_LINE_BYTES:-8192}",
      description = "Longest request line; longer gets 414. Default: ${DEFAULT-VALUE}.")
  int maxInitialLineBytes;

  @Option(
      names = "--max-header-bytes",
      paramLabel = "N",
      defaultValue = "${env:DOCKER_FILTER_MAX_HEADER_BYTES:-16384}",
      description = "Largest header block; larger gets 431. Default: ${DEFAULT-VALUE}.")
  int maxHeaderBytes;

  @Option(
      names = "--max-connections",
      paramLabel = "N",
      defaultValue = "${env:DOCKER_FILTER_MAX_CONNECTIONS:-1024}",
      description = "Open client connections at once; more get 503. Default: ${DEFAULT-VALUE}.")
  int maxConnections;

  @Option(
      names = "--event-loop-threads",
      paramLabel = "N",
      defaultValue = "${env:DOCKER_FILTER_EVENT_LOOP_THREADS:-1}",
      description = "I/O threads. One is fastest on two cores. Default: ${DEFAULT-VALUE}.")
  int eventLoopThreads;

  @Option(
      names = "--admin-listen",
      paramLabel = "URI",
      defaultValue = "${env:DOCKER_FILTER_ADMIN_LISTEN:-}",
      description =
          "Serve /metrics, /healthz and /readyz on unix:///path or tcp://127.0.0.1:PORT "
              + "(loopback only). Default: off.")
  String adminListen;

  @Option(
      names = "--log-format",
      paramLabel = "FORMAT",
      defaultValue = "${env:DOCKER_FILTER_LOG_FORMAT:-logfmt}",
      description = "logfmt or json. Default: ${DEFAULT-VALUE}.")
  String logFormat;

  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      defaultValue = "${env:DOCKER_FILTER_LOG_LEVEL:-info}",
      description = "debug, info, warn or error. Default: ${DEFAULT-VALUE}.")
  String logLevel;

  @Override
  public Integer call() throws InterruptedException {
    ProxyConfig config;
    LogFormat format;
    Admin admin;
    try {
      format = parseLogFormat(logFormat);
      parseLogLevel(logLevel);
      config = toConfig(System.getenv());
      admin = Admin.parse(adminListen, config);
    } catch (IllegalArgumentException e) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("docker-filter: invalid configuration: " + e.getMessage());
      err.flush();
      return ExitCodes.BAD_CONFIG;
    }
    Logging.configure(format, logLevel);
    Policy policy = Presets.readOnly();
    ProxyServer server;
    try {
      server = ProxyServer.start(config, policy, admin.observe(new AccessLog()));
      startAdmin(admin, server, config);
    } catch (ListenerException e) {
      LOG.atError().setMessage("cannot start").addKeyValue("error", e.getMessage()).log();
      return ExitCodes.LISTENER_FAILED;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> stopAndExit(server, admin, config.shutdownGrace()), "stop"));
    new CountDownLatch(1).await();
    return ExitCodes.OK;
  }

  /** Binds the admin listener once the proxy serves; without it, stops the proxy at once. */
  private static void startAdmin(Admin admin, ProxyServer server, ProxyConfig config)
      throws ListenerException {
    try {
      admin.start(config);
    } catch (ListenerException e) {
      server.stop(Duration.ZERO);
      throw e;
    }
  }

  private static void stopAndExit(ProxyServer server, Admin admin, Duration grace) {
    LOG.atInfo().setMessage("stopping").addKeyValue("grace", Durations.format(grace)).log();
    admin.stop();
    server.stop(grace);
    System.out.flush();
    // A signal-initiated JVM exit reports 128+signal; a clean stop is a success (exit 0).
    Runtime.getRuntime().halt(ExitCodes.OK);
  }

  ProxyConfig toConfig(Map<String, String> env) {
    List<Endpoint> listeners = listen.stream().map(String::trim).map(Endpoint::parse).toList();
    return new ProxyConfig(
        listeners,
        Endpoint.parse(upstream != null && !upstream.isEmpty() ? upstream : defaultUpstream(env)),
        new ProxyConfig.SocketFile(ProxyConfig.SocketFile.parseMode(socketMode), socketGroup),
        new ProxyConfig.Limits(maxInitialLineBytes, maxHeaderBytes, maxConnections),
        new ProxyConfig.Timeouts(
            Durations.parse(headerReadTimeout),
            Durations.parse(idleTimeout),
            Durations.parse(upstreamConnectTimeout),
            Durations.parse(upstreamHeaderTimeout)),
        Durations.parse(shutdownGrace),
        eventLoopThreads);
  }

  /** DOCKER_HOST when it names a socket we can reach, as the docker CLI reads it. */
  static String defaultUpstream(Map<String, String> env) {
    String dockerHost = env.getOrDefault("DOCKER_HOST", "");
    if (dockerHost.startsWith("unix://") || dockerHost.startsWith("tcp://")) {
      return dockerHost;
    }
    return "unix:///var/run/docker.sock";
  }

  private static LogFormat parseLogFormat(String text) {
    switch (text.toLowerCase(Locale.ROOT)) {
      case "logfmt":
        return LogFormat.LOGFMT;
      case "json":
        return LogFormat.JSON;
      default:
        throw new IllegalArgumentException(
            "unknown log format: '" + text + "' (expected logfmt or json)");
    }
  }

  private static void parseLogLevel(String text) {
    if (!List.of("debug", "info", "warn", "error").contains(text.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException(
          "unknown log level: '" + text + "' (expected debug, info, warn or error)");
    }
  }
}
