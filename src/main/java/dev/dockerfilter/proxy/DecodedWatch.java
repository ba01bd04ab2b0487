package dev.dockerfilter.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** Sits between the decoder and the flow control handler and counts decoded messages. */
final class DecodedWatch extends ChannelInboundHandlerAdapter {
  private final ExchangeHandler exchanges;

  DecodedWatch(ExchangeHandler exchanges) {
    this.exchanges = exchanges;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    exchanges.messageDecoded();
    ctx.fireChannelRead(msg);
  }
}
