package dev.dockerfilter.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.function.LongConsumer;

/**
 * One direction of an upgraded connection: copies raw bytes to the other side, reading more only
 * once the other side took the last piece, and passes a half-close on (stdin's EOF in {@code docker
 * exec -i} is a half-close).
 */
final class TunnelHandler extends ChannelInboundHandlerAdapter {
  private final Channel peer;
  private final LongConsumer bytesCopied;
  private final Runnable closed;

  TunnelHandler(Channel peer, LongConsumer bytesCopied, Runnable closed) {
    this.peer = peer;
    this.bytesCopied = bytesCopied;
    this.closed = closed;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      ctx.read();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf bytes)) {
      // Leftover HTTP objects from before the switch have no place in a raw stream.
      ReferenceCountUtil.release(msg);
      ctx.read();
      return;
    }
    bytesCopied.accept(bytes.readableBytes());
    peer.writeAndFlush(bytes)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (f.isSuccess()) {
                    ctx.read();
                  } else {
                    ctx.close();
                  }
                });
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      // This direction is done; once the other one is too, nothing is left to copy.
      if (peer instanceof DuplexChannel duplex && peer.isActive() && !duplex.isInputShutdown()) {
        duplex.shutdownOutput();
      } else {
        ctx.close();
        peer.close();
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    peer.close();
    closed.run();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
