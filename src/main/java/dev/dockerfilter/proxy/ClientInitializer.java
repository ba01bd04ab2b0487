package dev.dockerfilter.proxy;

import dev.dockerfilter.http.StrictRequestDecoder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.flow.FlowControlHandler;
import java.util.concurrent.atomic.AtomicReference;

/** Builds the pipeline of every accepted client connection. */
final class ClientInitializer extends ChannelInitializer<Channel> {
  private final ProxyContext context;
  private final String listener;
  private final AtomicReference<ListenerPolicy> policy;

  ClientInitializer(ProxyContext context, String listener, AtomicReference<ListenerPolicy> policy) {
    this.context = context;
    this.listener = listener;
    this.policy = policy;
  }

  @Override
  protected void initChannel(Channel ch) {
    StrictRequestDecoder decoder =
        new StrictRequestDecoder(
            context.limits().maxInitialLineBytes(), context.limits().maxHeaderBytes());
    ResponseEncoder encoder = new ResponseEncoder();
    ExchangeHandler exchanges = new ExchangeHandler(context, listener, policy, decoder, encoder);
    // The flow control handler hands decoded messages over one per read() call, so requests
    // that arrive pipelined in one packet are still taken one exchange at a time.
    ch.pipeline()
        .addLast("bytes-in", new BytesInWatch(exchanges))
        .addLast("decoder", decoder)
        .addLast("encoder", encoder)
        .addLast("flow", new FlowControlHandler())
        .addLast("exchanges", exchanges);
  }
}
