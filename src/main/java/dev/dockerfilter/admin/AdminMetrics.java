package dev.dockerfilter.admin;

import dev.dockerfilter.observability.AccessEntry;
import dev.dockerfilter.observability.ExchangeObserver;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The proxy's Prometheus metrics, fed by the proxy as one more {@link ExchangeObserver}.
 *
 * <p>Every label value comes from a closed or configured set: decisions, reason codes, rule ids,
 * listener URIs, known methods. Raw targets and paths never become labels, so a client cannot grow
 * the number of series by sending odd requests.
 */
public final class AdminMetrics implements ExchangeObserver {
  /** Methods that get a label of their own; anything else is counted as {@value #OTHER}. */
  static final Set<String> KNOWN_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE");

  static final String OTHER = "OTHER";

  /** Reason codes and rule ids look like this; anything else is counted as "other". */
  private static final Pattern CODE = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

  /** From a millisecond to an hour: ordinary exchanges in the low buckets, streams above. */
  private static final double[] DURATION_BUCKETS_SECONDS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600
  };

  private final PrometheusRegistry registry = new PrometheusRegistry();

  private final Counter requests =
      Counter.builder()
          .name("docker_filter_requests_total")
          .help("Exchanges that ended, by decision, reason code, method and deciding rule.")
          .labelNames("decision", "reason", "method", "rule")
          .withoutExemplars()
          .register(registry);

  private final Histogram duration =
      Histogram.builder()
          .name("docker_filter_request_duration_seconds")
          .help(
              "Time from a request's head to the end of its response; stream=\"true\" for"
                  + " responses without a length (events, logs, stats), which last as long as"
                  + " the client watches.")
          .labelNames("decision", "stream")
          .classicOnly()
          .classicUpperBounds(DURATION_BUCKETS_SECONDS)
          .withoutExemplars()
          .register(registry);

  private final Gauge activeConnections =
      Gauge.builder()
          .name("docker_filter_connections_active")
          .help("Client connections open now, by listener.")
          .labelNames("listener")
          .register(registry);

  private final Counter connections =
      Counter.builder()
          .name("docker_filter_connections_total")
          .help("Client connections accepted, by listener.")
          .labelNames("listener")
          .withoutExemplars()
          .register(registry);

  private final Gauge activeStreams =
      Gauge.builder()
          .name("docker_filter_streams_active")
          .help("Responses streaming now (events, logs --follow, stats).")
          .register(registry);

  private final Counter upstreamErrors =
      Counter.builder()
          .name("docker_filter_upstream_errors_total")
          .help("Exchanges that failed because of the engine, by kind (reason code).")
          .labelNames("kind")
          .withoutExemplars()
          .register(registry);

  private final Counter reloads =
      Counter.builder()
          .name("docker_filter_config_reloads_total")
          .help("Configuration reloads, by result (success or failure).")
          .labelNames("result")
          .withoutExemplars()
          .register(registry);

  private final Gauge lastReloadSuccessful =
      Gauge.builder()
          .name("docker_filter_config_last_reload_successful")
          .help("1 when the configuration in force is the last one read, 0 after a failed reload.")
          .register(registry);

  /**
   * Set by {@link #streamEnded} and taken by the next {@link #exchangeEnded} on the same I/O
   * thread: the proxy reports a stream's end right before the end of the exchange it belongs to.
   */
  private final ThreadLocal<Boolean> streamJustEnded = ThreadLocal.withInitial(() -> false);

  public AdminMetrics() {
    Info buildInfo =
        Info.builder()
            .name("docker_filter_build_info")
            .help("The running build: version and Java runtime.")
            .labelNames("version", "java_version")
            .register(registry);
    buildInfo.setLabelValues(version(), Runtime.version().toString());
    lastReloadSuccessful.set(1);
    reloads.initLabelValues("success");
    reloads.initLabelValues("failure");
  }

  /** What {@code /metrics} serves. */
  public PrometheusRegistry registry() {
    return registry;
  }

  /**
   * Counts one configuration reload. The reload feature calls this after each attempt, whether it
   * took the new configuration ({@code ok}) or kept the old one.
   */
  public void reloaded(boolean ok) {
    reloads.labelValues(ok ? "success" : "failure").inc();
    lastReloadSuccessful.set(ok ? 1 : 0);
  }

  @Override
  public void connectionOpened(String listener) {
    activeConnections.labelValues(listener).inc();
    connections.labelValues(listener).inc();
  }

  @Override
  public void connectionClosed(String listener) {
    activeConnections.labelValues(listener).dec();
  }

  @Override
  public void streamStarted() {
    activeStreams.inc();
  }

  @Override
  public void streamEnded() {
    activeStreams.dec();
    streamJustEnded.set(true);
  }

  @Override
  public void upstreamError(String kind) {
    upstreamErrors.labelValues(code(kind)).inc();
  }

  @Override
  public void exchangeEnded(AccessEntry entry) {
    boolean stream = streamJustEnded.get();
    streamJustEnded.set(false);
    requests
        .labelValues(
            code(entry.decision()),
            code(entry.reason()),
            method(entry.method()),
            code(entry.rule()))
        .inc();
    duration
        .labelValues(code(entry.decision()), Boolean.toString(stream))
        .observe(entry.durationMillis() / 1000.0);
  }

  /** The method as a label: one of {@link #KNOWN_METHODS}, else {@value #OTHER}. */
  static String method(String method) {
    return KNOWN_METHODS.contains(method) ? method : OTHER;
  }

  /** A reason code, rule id or decision as a label; anything unexpected becomes "other". */
  static String code(String value) {
    return value.equals("-") || CODE.matcher(value).matches() ? value : "other";
  }

  static String version() {
    String version = AdminMetrics.class.getPackage().getImplementationVersion();
    return version == null ? "development" : version;
  }
}
