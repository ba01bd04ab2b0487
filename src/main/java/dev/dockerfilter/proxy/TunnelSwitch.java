package dev.dockerfilter.proxy;

import dev.dockerfilter.http.HopByHopHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;

/**
 * Turns a client connection and its upstream connection into a raw two-way copy, once the engine
 * answered {@code 101 Switching Protocols} to an upgrade that a rule allows. No HTTP is parsed
 * after the switch: the exchange handler leaves the client's pipeline, and a {@link TunnelHandler}
 * on each side copies bytes to the other until either closes.
 */
final class TunnelSwitch {
  private TunnelSwitch() {}

  /** The client's 101: the engine's end-to-end headers and the upgrade it agreed to. */
  static FullHttpResponse switchingProtocols(HttpResponse upstreamToProxyResponse) {
    HttpHeaders headers = HopByHopHeaders.endToEnd(upstreamToProxyResponse.headers());
    headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
    headers.set(
        HttpHeaderNames.UPGRADE, upstreamToProxyResponse.headers().get(HttpHeaderNames.UPGRADE));
    return new DefaultFullHttpResponse(
        HttpVersion.HTTP_1_1,
        upstreamToProxyResponse.status(),
        Unpooled.EMPTY_BUFFER,
        headers,
        EmptyHttpHeaders.INSTANCE);
  }

  /**
   * Replaces the HTTP handlers of both connections by tunnel handlers. {@code exchanges} is the
   * exchange handler's context on the client connection; {@code closed} runs when either side
   * closes.
   */
  static void rewire(ChannelHandlerContext exchanges, Channel engine, Exchange x, Runnable closed) {
    Channel client = exchanges.channel();
    // The client's encoder goes first, so bytes the engine sent behind its 101 meet no HTTP
    // encoder; the client's decoder goes last, so bytes it still holds meet no engine codec.
    ChannelPipeline pipeline = exchanges.pipeline();
    pipeline.addLast("tunnel", new TunnelHandler(engine, n -> x.bytesIn += n, closed));
    pipeline.remove(exchanges.handler());
    pipeline.remove("flow");
    pipeline.remove("encoder");
    pipeline.remove("bytes-in");
    client.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);

    engine.config().setAutoRead(false);
    engine.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    engine.pipeline().remove(HttpClientCodec.class);
    engine
        .pipeline()
        .replace(
            UpstreamHandler.class,
            "tunnel",
            new TunnelHandler(client, n -> x.bytesOut += n, closed));
    // TODO(#3): bytes pipelined behind the upgrade request and already decoded as HTTP are lost.
    pipeline.remove("decoder");
  }

  /** Passes on what the engine's codec still delivers after the switch to {@code client}. */
  static void relayLeftover(Exchange x, Channel client, Object msg) {
    if (msg instanceof ByteBuf bytes) {
      // Bytes the engine sent right behind its 101, decoded before the pipeline switched.
      x.bytesOut += bytes.readableBytes();
      client.writeAndFlush(bytes);
    } else {
      // The old codec's end-of-message marker for the 101, fired while it was removed.
      ReferenceCountUtil.release(msg);
    }
  }
}
