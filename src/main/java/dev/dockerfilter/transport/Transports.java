package dev.dockerfilter.transport;

import dev.dockerfilter.config.Endpoint;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/**
 * Picks epoll where the native library loads (it gives peer credentials and is faster) and the
 * JDK's NIO channels elsewhere; hands out matching channel classes and socket addresses.
 */
public final class Transports {
  private final boolean epoll;

  private Transports(boolean epoll) {
    this.epoll = epoll;
  }

  /** Epoll when available, else NIO. */
  public static Transports detect() {
    return new Transports(Epoll.isAvailable());
  }

  /** Always NIO, e.g. for tests of the fallback. */
  public static Transports nio() {
    return new Transports(false);
  }

  public String name() {
    return epoll ? "epoll" : "nio";
  }

  public EventLoopGroup newEventLoopGroup(int threads) {
    DefaultThreadFactory threadFactory = new DefaultThreadFactory("docker-filter-io", true);
    return new MultiThreadIoEventLoopGroup(
        threads, threadFactory, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
  }

  public Class<? extends ServerChannel> serverChannel(Endpoint endpoint) {
    if (endpoint instanceof Endpoint.Unix) {
      return epoll ? EpollServerDomainSocketChannel.class : NioServerDomainSocketChannel.class;
    }
    return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  public Class<? extends Channel> clientChannel(Endpoint endpoint) {
    if (endpoint instanceof Endpoint.Unix) {
      return epoll ? EpollDomainSocketChannel.class : NioDomainSocketChannel.class;
    }
    return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  /** The socket address a channel of this transport binds or connects to. */
  public SocketAddress address(Endpoint endpoint) {
    if (endpoint instanceof Endpoint.Unix unix) {
      return epoll
          ? new DomainSocketAddress(unix.path().toString())
          : UnixDomainSocketAddress.of(unix.path());
    }
    Endpoint.Tcp tcp = (Endpoint.Tcp) endpoint;
    return new InetSocketAddress(tcp.host(), tcp.port());
  }
}
