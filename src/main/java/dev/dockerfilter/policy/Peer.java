package dev.dockerfilter.policy;

import java.net.InetAddress;

/** Who is on the other end of a client connection, as far as the kernel vouches for it. */
public sealed interface Peer permits Peer.Unix, Peer.Tcp, Peer.Unknown {

  /** A unix-socket client whose credentials came from {@code SO_PEERCRED}. */
  record Unix(int uid, int gid, int pid) implements Peer {}

  /** A TCP client. */
  record Tcp(InetAddress address, int port) implements Peer {}

  /** A client whose identity the transport cannot tell (unix sockets without epoll). */
  record Unknown() implements Peer {}
}
