package dev.dockerfilter.proxy;

import dev.dockerfilter.config.Endpoint;
import dev.dockerfilter.config.ProxyConfig;
import dev.dockerfilter.observability.ExchangeObserver;
import dev.dockerfilter.policy.Policy;
import dev.dockerfilter.policy.PolicySelector;
import dev.dockerfilter.transport.Listener;
import dev.dockerfilter.transport.ListenerException;
import dev.dockerfilter.transport.Transports;
import dev.dockerfilter.transport.UpstreamConnector;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running proxy: its listeners, its I/O threads and its open connections. */
public final class ProxyServer {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

  private final EventLoopGroup group;
  private final List<Listener> listeners;
  private final Map<Endpoint, AtomicReference<ListenerPolicy>> policies;
  private final ConnectionRegistry registry;

  private ProxyServer(
      EventLoopGroup group,
      List<Listener> listeners,
      Map<Endpoint, AtomicReference<ListenerPolicy>> policies,
      ConnectionRegistry registry) {
    this.group = group;
    this.listeners = listeners;
    this.policies = policies;
    this.registry = registry;
  }

  /** Binds every listener with one policy for every client, or throws. */
  public static ProxyServer start(ProxyConfig config, Policy policy, ExchangeObserver observer)
      throws ListenerException {
    Map<Endpoint, ListenerPolicy> each = new LinkedHashMap<>();
    for (Endpoint endpoint : config.listeners()) {
      each.put(endpoint, new ListenerPolicy(PolicySelector.always(policy), false));
    }
    return start(config, each, observer);
  }

  /**
   * Binds every listener of {@code config}, each judged as {@code policies} says, or closes what
   * was bound and throws.
   */
  public static ProxyServer start(
      ProxyConfig config, Map<Endpoint, ListenerPolicy> policies, ExchangeObserver observer)
      throws ListenerException {
    Transports transports = Transports.detect();
    EventLoopGroup group = transports.newEventLoopGroup(config.eventLoopThreads());
    ConnectionRegistry registry = new ConnectionRegistry(config.limits().maxConnections());
    ProxyContext context =
        new ProxyContext(
            new UpstreamConnector(
                config.upstream(), transports, config.timeouts().upstreamConnect()),
            config.limits(),
            config.timeouts(),
            registry,
            new UpstreamHealth(),
            observer);
    Map<Endpoint, AtomicReference<ListenerPolicy>> current = new LinkedHashMap<>();
    List<Listener> listeners = new ArrayList<>();
    try {
      for (Endpoint endpoint : config.listeners()) {
        AtomicReference<ListenerPolicy> policy =
            new AtomicReference<>(policyOf(policies, endpoint));
        current.put(endpoint, policy);
        ClientInitializer clients = new ClientInitializer(context, endpoint.uri(), policy);
        listeners.add(Listener.open(endpoint, config.socketFile(), transports, group, clients));
        LOG.atInfo()
            .setMessage("listening")
            .addKeyValue("listener", endpoint.uri())
            .addKeyValue("audit", policy.get().audit())
            .addKeyValue("redact", policy.get().redaction().describe())
            .log();
      }
    } catch (ListenerException e) {
      listeners.forEach(Listener::close);
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly();
      throw e;
    }
    LOG.atInfo()
        .setMessage("ready")
        .addKeyValue("upstream", config.upstream().uri())
        .addKeyValue("transport", transports.name())
        .log();
    return new ProxyServer(group, List.copyOf(listeners), Map.copyOf(current), registry);
  }

  /**
   * Puts new policies in force for the next request on every connection, open ones included.
   * Listeners are not rebound: {@code policies} must name exactly the running listeners.
   */
  public void reload(Map<Endpoint, ListenerPolicy> policies) {
    if (!policies.keySet().equals(this.policies.keySet())) {
      throw new IllegalArgumentException(
          "listeners changed: '"
              + policies.keySet()
              + "' (a reload keeps the running listeners "
              + this.policies.keySet()
              + "; restart to change them)");
    }
    policies.forEach((endpoint, policy) -> this.policies.get(endpoint).set(policy));
  }

  private static ListenerPolicy policyOf(
      Map<Endpoint, ListenerPolicy> policies, Endpoint endpoint) {
    ListenerPolicy policy = policies.get(endpoint);
    if (policy == null) {
      throw new IllegalArgumentException("no policy for listener '" + endpoint.uri() + "'");
    }
    return policy;
  }

  /**
   * Stops accepting at once, lets exchanges in flight finish, closes whatever is still open
   * (streams, mostly) once {@code grace} has passed, and stops the I/O threads.
   */
  public void stop(Duration grace) {
    listeners.forEach(Listener::close);
    registry.drain();
    long deadline = System.nanoTime() + grace.toNanos();
    while (registry.size() > 0 && System.nanoTime() < deadline) {
      sleepQuietly(20);
    }
    int cut = registry.size();
    registry.closeAll();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    LOG.atInfo().setMessage("stopped").addKeyValue("connections_cut", cut).log();
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
