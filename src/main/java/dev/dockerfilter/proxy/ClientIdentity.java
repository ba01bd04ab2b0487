package dev.dockerfilter.proxy;

import dev.dockerfilter.policy.Peer;
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
   * Names a peer: {@code uid=1000,pid=4242} on a unix socket under epoll (the kernel vouches for
   * it: {@code SO_PEERCRED}), {@code unix} on a unix socket without it, {@code 127.0.0.1:51234} on
   * TCP.
   */
  static String describe(Peer peer) {
    if (peer instanceof Peer.Unix unix) {
      return "uid=" + unix.uid() + ",pid=" + unix.pid();
    }
    if (peer instanceof Peer.Tcp tcp) {
      String host = tcp.address().getHostAddress();
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + tcp.port();
    }
    return "unix";
  }

  /** Who the kernel says is connected on {@code channel}. */
  static Peer peer(Channel channel) {
    if (channel instanceof EpollDomainSocketChannel unix) {
      try {
        PeerCredentials credentials = unix.peerCredentials();
        int gid = credentials.gids().length > 0 ? credentials.gids()[0] : -1;
        return new Peer.Unix(credentials.uid(), gid, credentials.pid());
      } catch (IOException e) {
        return new Peer.Unknown();
      }
    }
    SocketAddress remote = channel.remoteAddress();
    if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return new Peer.Tcp(inet.getAddress(), inet.getPort());
    }
    // TODO(#3): NIO unix channels cannot read SO_PEERCRED, so per-uid rules cannot match there.
    return new Peer.Unknown();
  }
}
