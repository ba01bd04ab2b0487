package dev.dockerfilter.proxy;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

/** The open client connections, their cap, and whether the proxy is shutting down. */
final class ConnectionRegistry {
  /** Fired on every client connection when shutdown starts. */
  static final Object DRAIN = new Object();

  /** The user event that comes just before the proxy closes a connection the grace did not end. */
  static final Object CUT = new Object();

  private final ChannelGroup clients = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final int maxConnections;
  private volatile boolean draining;

  ConnectionRegistry(int maxConnections) {
    this.maxConnections = maxConnections;
  }

  /** Registers a new client connection, or returns false when the cap is reached. */
  boolean admit(Channel channel) {
    if (clients.size() >= maxConnections) {
      return false;
    }
    clients.add(channel);
    return true;
  }

  boolean draining() {
    return draining;
  }

  int size() {
    return clients.size();
  }

  /** Asks every connection to close once its current exchange ends. */
  void drain() {
    draining = true;
    for (Channel client : clients) {
      client.pipeline().fireUserEventTriggered(DRAIN);
    }
  }

  /** Closes every client connection; each is told first, so that its access line says why. */
  void closeAll() {
    for (Channel client : clients) {
      client.pipeline().fireUserEventTriggered(CUT);
    }
    clients.close().awaitUninterruptibly();
  }
}
