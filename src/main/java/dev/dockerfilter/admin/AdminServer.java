package dev.dockerfilter.admin;

import dev.dockerfilter.config.Endpoint;
import dev.dockerfilter.config.ProxyConfig;
import dev.dockerfilter.transport.Listener;
import dev.dockerfilter.transport.ListenerException;
import dev.dockerfilter.transport.Transports;
import dev.dockerfilter.transport.UpstreamConnector;
import io.netty.channel.EventLoopGroup;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener with its own I/O thread, so that scrapes and probes neither wait behind nor
 * slow down the proxy's traffic.
 */
final class AdminServer {
  private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

  private final EventLoopGroup group;
  private final Listener listener;

  private AdminServer(EventLoopGroup group, Listener listener) {
    this.group = group;
    this.listener = listener;
  }

  /** Binds {@code endpoint}; readiness pings the engine of {@code config} as the proxy does. */
  static AdminServer start(Endpoint endpoint, ProxyConfig config, AdminMetrics metrics)
      throws ListenerException {
    Transports transports = Transports.detect();
    EventLoopGroup group = transports.newEventLoopGroup(1);
    UpstreamConnector connector =
        new UpstreamConnector(config.upstream(), transports, config.timeouts().upstreamConnect());
    EnginePing enginePing = new EnginePing(connector, EnginePing.DEFAULT_TIMEOUT);
    try {
      Listener listener =
          Listener.open(
              endpoint,
              config.socketFile(),
              transports,
              group,
              new AdminInitializer(metrics, enginePing));
      LOG.atInfo().setMessage("admin listening").addKeyValue("listener", endpoint.uri()).log();
      return new AdminServer(group, listener);
    } catch (ListenerException e) {
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly();
      throw e;
    }
  }

  /** Closes the listener (removing its socket file) and stops the I/O thread. */
  void stop() {
    listener.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
  }
}
