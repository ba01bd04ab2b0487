package dev.dockerfilter.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** Sits before the decoder and tells the exchange handler that a client sent bytes. */
final class BytesInWatch extends ChannelInboundHandlerAdapter {
  private final ExchangeHandler exchanges;

  BytesInWatch(ExchangeHandler exchanges) {
    this.exchanges = exchanges;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    exchanges.bytesArrived();
    ctx.fireChannelRead(msg);
  }
}
