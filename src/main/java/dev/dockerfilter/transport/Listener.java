package dev.dockerfilter.transport;

import dev.dockerfilter.config.Endpoint;
import dev.dockerfilter.config.ProxyConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One bound listening socket, unix or TCP, that hands accepted connections to a handler. */
public final class Listener {
  private static final Logger LOG = LoggerFactory.getLogger(Listener.class);

  private final Endpoint endpoint;
  private final Channel serverChannel;

  /** The socket file's identity, or null for TCP. */
  private final Object socketFile;

  /** Warns when the socket file disappears while we listen; null for TCP. */
  private final SocketFileWatchdog watchdog;

  private Listener(Endpoint endpoint, Channel serverChannel, Object socketFile) {
    this.endpoint = endpoint;
    this.serverChannel = serverChannel;
    this.socketFile = socketFile;
    this.watchdog =
        endpoint instanceof Endpoint.Unix unix
            ? SocketFileWatchdog.start(
                unix.path(),
                socketFile,
                endpoint.uri(),
                serverChannel.eventLoop(),
                SocketFileWatchdog.DEFAULT_PERIOD)
            : null;
  }

  /**
   * Binds {@code endpoint}. A unix socket is bound under a temporary name, given its mode and
   * group, then renamed into place, so it is never reachable with the umask's permissions.
   */
  public static Listener open(
      Endpoint endpoint,
      ProxyConfig.SocketFile socketFile,
      Transports transports,
      EventLoopGroup group,
      ChannelHandler childInitializer)
      throws ListenerException {
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(transports.serverChannel(endpoint))
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.AUTO_READ, false)
            // A client may half-close once its request is sent and still wait for the answer.
            .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .childHandler(childInitializer);
    if (endpoint instanceof Endpoint.Unix unix) {
      Channel channel = bindUnix(unix, socketFile, transports, bootstrap);
      try {
        return new Listener(endpoint, channel, SocketFiles.identity(unix.path()));
      } catch (IOException e) {
        channel.close().syncUninterruptibly();
        throw new ListenerException("socket file vanished after bind: '" + unix.path() + "'", e);
      }
    }
    Endpoint.Tcp tcp = (Endpoint.Tcp) endpoint;
    bootstrap.option(ChannelOption.SO_REUSEADDR, true);
    Channel channel = bind(bootstrap, transports, endpoint, endpoint.uri());
    if (!tcp.isLoopback()) {
      LOG.atWarn()
          .setMessage("listening beyond loopback: the Docker API is now reachable from the network")
          .addKeyValue("listener", endpoint.uri())
          .log();
    }
    return new Listener(endpoint, channel, null);
  }

  private static Channel bindUnix(
      Endpoint.Unix unix,
      ProxyConfig.SocketFile socketFile,
      Transports transports,
      ServerBootstrap bootstrap)
      throws ListenerException {
    Path path = unix.path();
    SocketFiles.prepare(path);
    Path temporary = SocketFiles.temporaryName(path);
    SocketFiles.remove(temporary);
    Channel channel = bind(bootstrap, transports, new Endpoint.Unix(temporary), unix.uri());
    try {
      SocketFiles.secure(temporary, socketFile.mode(), socketFile.group());
      Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE);
    } catch (ListenerException | IOException e) {
      channel.close().syncUninterruptibly();
      SocketFiles.remove(temporary);
      if (e instanceof ListenerException le) {
        throw le;
      }
      throw new ListenerException("cannot move socket into place at '" + path + "': " + e, e);
    }
    return channel;
  }

  private static Channel bind(
      ServerBootstrap bootstrap, Transports transports, Endpoint endpoint, String shownAs)
      throws ListenerException {
    ChannelFuture bound = bootstrap.bind(transports.address(endpoint)).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      Throwable cause = bound.cause();
      throw new ListenerException(
          "cannot listen on '" + shownAs + "': " + cause.getMessage(), cause);
    }
    return bound.channel();
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  /** Stops accepting and removes the socket file; open connections are not touched. */
  public void close() {
    if (watchdog != null) {
      watchdog.stop();
    }
    serverChannel.close().awaitUninterruptibly();
    if (endpoint instanceof Endpoint.Unix unix) {
      SocketFiles.removeIfSame(unix.path(), socketFile);
    }
  }
}
