package dev.dockerfilter.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** Hands what the engine sends on one upstream connection to the client's exchange handler. */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
  private final ExchangeHandler exchanges;

  UpstreamHandler(ExchangeHandler exchanges) {
    this.exchanges = exchanges;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    exchanges.upstreamRead(ctx.channel(), msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    exchanges.upstreamReadComplete();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    exchanges.upstreamClosed(ctx.channel(), "the engine closed the connection");
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // The client sees a short reason, never an exception's own text (paths, class names).
    exchanges.upstreamClosed(
        ctx.channel(), "error on the engine's connection: " + UpstreamRequests.describe(cause));
    ctx.close();
  }
}
