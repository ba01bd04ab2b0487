package dev.dockerfilter.transport;

import dev.dockerfilter.config.Endpoint;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import java.net.SocketAddress;
import java.time.Duration;

/** Opens connections to the Docker Engine socket. */
public final class UpstreamConnector {
  private final Endpoint upstream;
  private final Transports transports;
  private final SocketAddress address;
  private final int connectTimeoutMillis;

  public UpstreamConnector(Endpoint upstream, Transports transports, Duration connectTimeout) {
    this.upstream = upstream;
    this.transports = transports;
    this.address = transports.address(upstream);
    this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
  }

  public Endpoint upstream() {
    return upstream;
  }

  /**
   * Connects on {@code loop}, the client connection's own loop, so that relaying between the two
   * never crosses threads.
   */
  public ChannelFuture connect(EventLoop loop, ChannelHandler initializer) {
    return new Bootstrap()
        .group(loop)
        .channel(transports.clientChannel(upstream))
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
        .option(ChannelOption.AUTO_READ, false)
        .handler(initializer)
        .connect(address);
  }
}
