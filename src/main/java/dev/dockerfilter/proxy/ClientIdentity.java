package dev.dockerfilter.proxy;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.PeerCredentials;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** Names the client of a connection for the access log. */
final class ClientIdentity {
  private ClientIdentity() {}

  /**
   * {@code uid=1000,pid=4242} on a unix socket under epoll (the kernel vouches for it: {@code
   * SO_PEERCRED}), {@code unix} on a unix socket without it, {@code 127.0.0.1:51234} on TCP.
   */
  static String describe(Channel channel) {
    if (channel instanceof EpollDomainSocketChannel unix) {
      try {
        PeerCredentials peer = unix.peerCredentials();
        return "uid=" + peer.uid() + ",pid=" + peer.pid();
      } catch (IOException e) {
        return "unix";
      }
    }
    SocketAddress remote = channel.remoteAddress();
    if (remote instanceof InetSocketAddress inet) {
      String host =
          inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + inet.getPort();
    }
    return "unix";
  }
}
