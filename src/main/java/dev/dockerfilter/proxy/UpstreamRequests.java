package dev.dockerfilter.proxy;

import dev.dockerfilter.http.BodyFraming;
import dev.dockerfilter.http.HopByHopHeaders;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Locale;

/**
 * What goes to the engine on a client's behalf: the request rebuilt from what was checked, and the
 * upstream connection it goes on. Also tells a client, in a few safe words, why one failed.
 */
final class UpstreamRequests {
  private static final int UPSTREAM_MAX_INITIAL_LINE_BYTES = 8192;
  private static final int UPSTREAM_MAX_HEADER_BYTES = 64 * 1024;
  private static final int UPSTREAM_MAX_CHUNK_BYTES = 64 * 1024;

  private UpstreamRequests() {}

  /** The request for the engine: HTTP/1.1, the checked target, the end-to-end headers. */
  static HttpRequest proxyToUpstream(Exchange x, HttpRequest clientToProxyRequest) {
    HttpHeaders headers = HopByHopHeaders.endToEnd(clientToProxyRequest.headers());
    if (!headers.contains(HttpHeaderNames.HOST)) {
      // HTTP/1.0 clients may omit Host; the engine's HTTP/1.1 server requires one.
      headers.set(HttpHeaderNames.HOST, "docker");
    }
    if (x.head.framing() == BodyFraming.CHUNKED && !x.bodyForbidden()) {
      headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    if (x.upgrade) {
      // Only a rule that names this endpoint as upgradable lets these hop-by-hop headers on.
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
      headers.set(
          HttpHeaderNames.UPGRADE, clientToProxyRequest.headers().get(HttpHeaderNames.UPGRADE));
    }
    return new DefaultHttpRequest(
        HttpVersion.HTTP_1_1,
        clientToProxyRequest.method(),
        x.head.target().forwardTarget(),
        headers);
  }

  /** Opens an upstream connection on the client's event loop; its answers go to EXCHANGES. */
  static ChannelFuture connect(
      ProxyContext context, EventLoop eventLoop, ExchangeHandler exchanges) {
    return context
        .connector()
        .connect(
            eventLoop,
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline()
                    .addLast(
                        new HttpClientCodec(
                            UPSTREAM_MAX_INITIAL_LINE_BYTES,
                            UPSTREAM_MAX_HEADER_BYTES,
                            UPSTREAM_MAX_CHUNK_BYTES),
                        new UpstreamHandler(exchanges));
              }
            });
  }

  /** A short reason for a client, without paths or class names: "connection refused". */
  static String describe(Throwable cause) {
    String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
    if (message.contains("refused")) {
      return "connection refused";
    }
    if (message.contains("no such file") || message.contains("not found")) {
      return "no socket at the engine's address";
    }
    if (message.contains("permission denied")) {
      return "permission denied on the engine's socket";
    }
    if (message.contains("timed out") || cause instanceof ConnectTimeoutException) {
      return "connection timed out";
    }
    return "connection failed";
  }
}
