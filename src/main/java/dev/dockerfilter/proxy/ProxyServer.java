package dev.dockerfilter.proxy;

import dev.dockerfilter.config.Endpoint;
import dev.dockerfilter.config.ProxyConfig;
import dev.dockerfilter.observability.ExchangeObserver;
import dev.dockerfilter.policy.Policy;
import dev.dockerfilter.transport.Listener;
import dev.dockerfilter.transport.ListenerException;
import dev.dockerfilter.transport.Transports;
import dev.dockerfilter.transport.UpstreamConnector;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running proxy: its listeners, its I/O threads and its open connections. */
public final class ProxyServer {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

  private final EventLoopGroup group;
  private final List<Listener> listeners;
  private final ConnectionRegistry registry;

  private ProxyServer(EventLoopGroup group, List<Listener> listeners, ConnectionRegistry registry) {
    this.group = group;
    this.listeners = listeners;
    this.registry = registry;
  }

  /** Binds every listener, or closes what was bound and throws. */
  public static ProxyServer start(ProxyConfig config, Policy policy, ExchangeObserver observer)
      throws ListenerException {
    Transports transports = Transports.detect();
    EventLoopGroup group = transports.newEventLoopGroup(config.eventLoopThreads());
    ConnectionRegistry registry = new ConnectionRegistry(config.limits().maxConnections());
    ProxyContext context =
        new ProxyContext(
            policy,
            new UpstreamConnector(
                config.upstream(), transports, config.timeouts().upstreamConnect()),
            config.limits(),
            config.timeouts(),
            registry,
            new UpstreamHealth(),
            observer);
    List<Listener> listeners = new ArrayList<>();
    try {
      for (Endpoint endpoint : config.listeners()) {
        listeners.add(
            Listener.open(
                endpoint,
                config.socketFile(),
                transports,
                group,
                new ClientInitializer(context, endpoint.uri())));
        LOG.atInfo()
            .setMessage("listening")
            .addKeyValue("listener", endpoint.uri())
            .addKeyValue("policy", policy.name())
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
    return new ProxyServer(group, List.copyOf(listeners), registry);
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
