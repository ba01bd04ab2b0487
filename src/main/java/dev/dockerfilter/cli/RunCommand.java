package dev.dockerfilter.cli;

import dev.dockerfilter.admin.Admin;
import dev.dockerfilter.config.Configuration;
import dev.dockerfilter.config.Durations;
import dev.dockerfilter.config.Endpoint;
import dev.dockerfilter.config.ListenerPlan;
import dev.dockerfilter.config.ProxyConfig;
import dev.dockerfilter.config.Setting;
import dev.dockerfilter.config.Sources;
import dev.dockerfilter.observability.AccessLog;
import dev.dockerfilter.observability.LogFormat;
import dev.dockerfilter.observability.Logging;
import dev.dockerfilter.proxy.ListenerPolicy;
import dev.dockerfilter.proxy.ProxyServer;
import dev.dockerfilter.transport.ListenerException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the proxy in the foreground until SIGTERM or SIGINT. */
@Command(
    name = "docker-filter",
    mixinStandardHelpOptions = true,
    subcommands = {
      CheckConfigCommand.class,
      ExplainCommand.class,
      LearnCommand.class,
      HealthcheckCommand.class
    },
    versionProvider = VersionProvider.class,
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
      "e.g. DOCKER_FILTER_SOCKET_MODE=0660 or",
      "DOCKER_FILTER_LISTEN=unix:///a.sock,tcp://127.0.0.1:2375. All but --config, --preset,",
      "--listen, --audit and --admin-listen can also go in a --config file under their names",
      "(socket-mode: \"0660\"); a file lists its listeners under listeners:. A flag wins over",
      "its variable, which wins over the file. Durations: 500ms, 10s, 2m, 1h.",
      "",
      "Exit codes:",
      "  0  clean shutdown after SIGTERM or SIGINT",
      "  1  failure while running",
      "  2  bad usage or invalid configuration",
      "  3  a listener could not be opened (live socket or other file at the path, bind error)"
    })
final class RunCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  /** The "others" write bit of a file mode (S_IWOTH). */
  private static final int OTHERS_WRITE = 0002;

  @Spec CommandSpec spec;

  @Mixin PolicySourceOptions policySource;

  @Option(
      names = "--listen",
      paramLabel = "URI",
      split = ",",
      defaultValue = "${env:DOCKER_FILTER_LISTEN}",
      description =
          "Where clients connect: unix:///path or tcp://HOST:PORT. Repeatable. Replaces the"
              + " config file's listeners. Default: unix:///var/run/docker-filter/docker.sock.")
  List<String> listen;

  @Option(
      names = "--audit",
      defaultValue = "${env:DOCKER_FILTER_AUDIT:-false}",
      description =
          "Audit mode on every listener: forward what the policy would deny and log it as"
              + " would-deny.")
  boolean audit;

  @Option(
      names = "--redact",
      paramLabel = "SECRETS",
      arity = "0..1",
      fallbackValue = "all",
      defaultValue = "${env:DOCKER_FILTER_REDACT}",
      description =
          "Hide secrets from clients: env (environment variable values in inspect answers of"
              + " containers, images, services, tasks and plugins), swarm (join tokens), logs"
              + " (refused, as they cannot be redacted); a comma-separated list, all (the value"
              + " of a bare --redact) or none. Default: none.")
  String redact;

  @Option(
      names = "--redact-keep-env",
      paramLabel = "NAMES",
      defaultValue = "${env:DOCKER_FILTER_REDACT_KEEP_ENV}",
      description =
          "Environment variables whose values --redact leaves readable, e.g."
              + " DD_ENV,DD_SERVICE,DD_VERSION for the Datadog agent's tags. Default: none.")
  String redactKeepEnv;

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
      defaultValue = "${env:DOCKER_FILTER_SOCKET_MODE}",
      description =
          "Permission bits of unix socket files, set before the first accept. Default: 0660.")
  String socketMode;

  @Option(
      names = "--socket-group",
      paramLabel = "GROUP",
      defaultValue = "${env:DOCKER_FILTER_SOCKET_GROUP}",
      description = "Group (name or gid) of unix socket files. Default: the process's group.")
  String socketGroup;

  @Option(
      names = "--header-read-timeout",
      paramLabel = "DURATION",
      defaultValue = "${env:DOCKER_FILTER_HEADER_READ_TIMEOUT}",
      description = "Time from a request's first byte to its full header block. Default: 10s.")
  String headerReadTimeout;

  @Option(
      names = "--idle-timeout",
      paramLabel = "DURATION",
      defaultValue = "${env:DOCKER_FILTER_IDLE_TIMEOUT}",
      description =
          "Time a kept-alive connection may wait for its next request. Never applies "
              + "to a response in progress. Default: 60s.")
  String idleTimeout;

  @Option(
      names = "--upstream-connect-timeout",
      paramLabel = "DURATION",
      defaultValue = "${env:DOCKER_FILTER_UPSTREAM_CONNECT_TIMEOUT}",
      description = "Time to connect to the engine. Default: 5s.")
  String upstreamConnectTimeout;

  @Option(
      names = "--upstream-header-timeout",
      paramLabel = "DURATION",
      defaultValue = "${env:DOCKER_FILTER_UPSTREAM_HEADER_TIMEOUT}",
      description =
          "Time for the engine to start its answer (0: no limit); a stream that has "
              + "started is never cut. Default: 5m.")
  String upstreamHeaderTimeout;

  @Option(
      names = "--shutdown-grace",
      paramLabel = "DURATION",
      defaultValue = "${env:DOCKER_FILTER_SHUTDOWN_GRACE}",
      description = "After SIGTERM, how long open exchanges and streams may go on. Default: 5s.")
  String shutdownGrace;

  @Option(
      names = "--max-initial-line-bytes",
      paramLabel = "N",
      defaultValue = "${env:DOCKER_FILTER_MAX_INITIAL_LINE_BYTES}",
      description = "Longest request line; longer gets 414. Default: 8192.")
  String maxInitialLineBytes;

  @Option(
      names = "--max-header-bytes",
      paramLabel = "N",
      defaultValue = "${env:DOCKER_FILTER_MAX_HEADER_BYTES}",
      description = "Largest header block; larger gets 431. Default: 16384.")
  String maxHeaderBytes;

  @Option(
      names = "--max-connections",
      paramLabel = "N",
      defaultValue = "${env:DOCKER_FILTER_MAX_CONNECTIONS}",
      description = "Open client connections at once; more get 503. Default: 1024.")
  String maxConnections;

  @Option(
      names = "--event-loop-threads",
      paramLabel = "N",
      defaultValue = "${env:DOCKER_FILTER_EVENT_LOOP_THREADS}",
      description = "I/O threads. One is fastest on two cores. Default: 1.")
  String eventLoopThreads;

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
      defaultValue = "${env:DOCKER_FILTER_LOG_FORMAT}",
      description = "logfmt or json. Default: logfmt.")
  String logFormat;

  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      defaultValue = "${env:DOCKER_FILTER_LOG_LEVEL}",
      description = "debug, info, warn or error. Default: info.")
  String logLevel;

  @Override
  public Integer call() throws InterruptedException {
    Configuration configuration;
    Admin admin;
    try {
      configuration = Configuration.resolve(sources(System.getenv()));
      admin = Admin.parse(adminListen, configuration.proxy());
    } catch (IllegalArgumentException e) {
      return invalid(e);
    }
    Logging.configure(
        configuration.logFormat().equals("json") ? LogFormat.JSON : LogFormat.LOGFMT,
        configuration.logLevel());
    logPolicies(configuration);
    warnIfSocketsAreOpenToEveryone(configuration.proxy());

    // Before the listeners exist: a SIGHUP that came before the handler would stop the JVM.
    AtomicReference<ProxyServer> running = new AtomicReference<>();
    Signals.onHangup(
        () -> {
          if (running.get() != null) {
            reload(running.get(), admin);
          }
        });
    ProxyServer server;
    try {
      server =
          ProxyServer.start(
              configuration.proxy(), policies(configuration), admin.observe(new AccessLog()));
      running.set(server);
      startAdmin(admin, server, configuration.proxy());
    } catch (ListenerException e) {
      LOG.atError().setMessage("cannot start").addKeyValue("error", e.getMessage()).log();
      return ExitCodes.LISTENER_FAILED;
    }
    Duration grace = configuration.proxy().shutdownGrace();
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> stopAndExit(server, admin, grace), "stop"));
    new CountDownLatch(1).await();
    return ExitCodes.OK;
  }

  /** How each listener judges its clients, as the proxy takes it. */
  static Map<Endpoint, ListenerPolicy> policies(Configuration configuration) {
    Map<Endpoint, ListenerPolicy> policies = new LinkedHashMap<>();
    for (ListenerPlan plan : configuration.listeners()) {
      policies.put(
          plan.endpoint(), new ListenerPolicy(plan.selector(), plan.audit(), plan.redaction()));
    }
    return policies;
  }

  /**
   * On SIGHUP: reads flags, environment and config file again; a valid result takes effect for the
   * next request on every connection, an invalid one leaves the running policies in force.
   */
  private void reload(ProxyServer server, Admin admin) {
    try {
      Configuration configuration = Configuration.resolve(sources(System.getenv()));
      server.reload(policies(configuration));
      admin.metrics().reloaded(true);
      LOG.atInfo()
          .setMessage("reloaded")
          .addKeyValue("source", configuration.policySource())
          .addKeyValue("policies", String.join(",", configuration.policies().keySet()))
          .log();
    } catch (IllegalArgumentException e) {
      admin.metrics().reloaded(false);
      LOG.atWarn()
          .setMessage("reload refused; the running policies stay in force")
          .addKeyValue("error", e.getMessage())
          .log();
    }
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

  /** What the flags (or their variables) and the environment give, for {@link Configuration}. */
  Sources sources(Map<String, String> environment) {
    Map<Setting, String> explicit = new EnumMap<>(Setting.class);
    put(explicit, Setting.LISTEN, listen == null ? null : String.join(",", listen));
    put(explicit, Setting.UPSTREAM, upstream);
    put(explicit, Setting.SOCKET_MODE, socketMode);
    put(explicit, Setting.SOCKET_GROUP, socketGroup);
    put(explicit, Setting.HEADER_READ_TIMEOUT, headerReadTimeout);
    put(explicit, Setting.IDLE_TIMEOUT, idleTimeout);
    put(explicit, Setting.UPSTREAM_CONNECT_TIMEOUT, upstreamConnectTimeout);
    put(explicit, Setting.UPSTREAM_HEADER_TIMEOUT, upstreamHeaderTimeout);
    put(explicit, Setting.SHUTDOWN_GRACE, shutdownGrace);
    put(explicit, Setting.MAX_INITIAL_LINE_BYTES, maxInitialLineBytes);
    put(explicit, Setting.MAX_HEADER_BYTES, maxHeaderBytes);
    put(explicit, Setting.MAX_CONNECTIONS, maxConnections);
    put(explicit, Setting.EVENT_LOOP_THREADS, eventLoopThreads);
    put(explicit, Setting.LOG_FORMAT, logFormat);
    put(explicit, Setting.LOG_LEVEL, logLevel);
    put(explicit, Setting.REDACT, redact);
    put(explicit, Setting.REDACT_KEEP_ENV, redactKeepEnv);
    return policySource.sources(explicit, audit, environment);
  }

  private static void put(Map<Setting, String> explicit, Setting setting, String value) {
    // An empty variable (DOCKER_FILTER_UPSTREAM=) counts as unset.
    if (value != null && !value.isBlank()) {
      explicit.put(setting, value.trim());
    }
  }

  private int invalid(IllegalArgumentException e) {
    return Invalid.report(spec, e);
  }

  private static void logPolicies(Configuration configuration) {
    LOG.atInfo()
        .setMessage("configuration")
        .addKeyValue("source", configuration.policySource())
        .addKeyValue("policies", String.join(",", configuration.policies().keySet()))
        .log();
  }

  /**
   * Warns, as for a TCP listener beyond loopback, when the socket mode lets "others" write: to
   * connect(2) to a unix socket a process needs write permission on its file, so with 0666 or 0777
   * every local user can reach the Docker API through the proxy.
   */
  static void warnIfSocketsAreOpenToEveryone(ProxyConfig config) {
    int mode = config.socketFile().mode();
    List<String> sockets =
        config.listeners().stream()
            .filter(endpoint -> endpoint instanceof Endpoint.Unix)
            .map(Endpoint::uri)
            .toList();
    if ((mode & OTHERS_WRITE) == 0 || sockets.isEmpty()) {
      return;
    }
    LOG.atWarn()
        .setMessage("socket files open to every local user: any of them can reach the Docker API")
        .addKeyValue("socket_mode", String.format(Locale.ROOT, "%04o", mode))
        .addKeyValue("listeners", String.join(",", sockets))
        .log();
  }

  private static void stopAndExit(ProxyServer server, Admin admin, Duration grace) {
    LOG.atInfo().setMessage("stopping").addKeyValue("grace", Durations.format(grace)).log();
    admin.stop();
    server.stop(grace);
    Logging.flush();
    System.out.flush();
    // A signal-initiated JVM exit reports 128+signal; a clean stop is a success (exit 0).
    Runtime.getRuntime().halt(ExitCodes.OK);
  }
}
