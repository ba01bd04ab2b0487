package dev.dockerfilter.admin;

import dev.dockerfilter.config.Endpoint;
import dev.dockerfilter.config.ProxyConfig;
import dev.dockerfilter.observability.ExchangeObserver;
import dev.dockerfilter.transport.ListenerException;
import java.util.List;

/**
 * The admin side of one run, as the command line configures it: off, or a listener on a unix socket
 * or a loopback TCP port that serves {@code /metrics}, {@code /healthz} and {@code /readyz}.
 *
 * <p>Example inputs to {@link #parse}: {@code ""} (off), {@code
 * unix:///run/docker-filter/admin.sock}, {@code tcp://127.0.0.1:9180}.
 */
public final class Admin {
  /** Where the admin listener binds; null when it is off. */
  private final Endpoint endpoint;

  private final AdminMetrics metrics = new AdminMetrics();

  /** The running server; null before {@link #start} and when off. */
  private AdminServer server;

  private Admin(Endpoint endpoint) {
    this.endpoint = endpoint;
  }

  /**
   * Reads the {@code --admin-listen} value. TCP must stay on loopback: the admin endpoints have no
   * authentication, and metrics tell an observer which rules clients hit. The address must differ
   * from the proxy's listeners and from the engine's socket.
   */
  public static Admin parse(String uri, ProxyConfig config) {
    if (uri.isBlank()) {
      return new Admin(null);
    }
    Endpoint endpoint = Endpoint.parse(uri.trim());
    if (endpoint instanceof Endpoint.Tcp tcp && !tcp.isLoopback()) {
      throw new IllegalArgumentException(
          "admin listener is not on loopback: '"
              + uri
              + "' (the admin endpoints have no authentication; use unix:///path or"
              + " tcp://127.0.0.1:PORT)");
    }
    if (config.listeners().contains(endpoint) || config.upstream().equals(endpoint)) {
      throw new IllegalArgumentException(
          "admin listener is already in use: '"
              + uri
              + "' (expected an address apart from --listen and --upstream)");
    }
    return new Admin(endpoint);
  }

  public boolean enabled() {
    return endpoint != null;
  }

  /** The metrics, for features that report into them, e.g. configuration reloads. */
  public AdminMetrics metrics() {
    return metrics;
  }

  /** What the proxy should report to: {@code accessLog}, plus the metrics when admin is on. */
  public ExchangeObserver observe(ExchangeObserver accessLog) {
    return enabled() ? ExchangeObserver.all(List.of(accessLog, metrics)) : accessLog;
  }

  /** Binds the admin listener, if there is one. */
  public void start(ProxyConfig config) throws ListenerException {
    if (enabled()) {
      server = AdminServer.start(endpoint, config, metrics);
    }
  }

  /** Stops the admin listener, if it runs. */
  public void stop() {
    if (server != null) {
      server.stop();
      server = null;
    }
  }
}
