package dev.dockerfilter.admin;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/** Builds the pipeline of every admin connection: HTTP/1.1, whole requests, an idle cut-off. */
final class AdminInitializer extends ChannelInitializer<Channel> {
  static final int MAX_INITIAL_LINE_BYTES = 4096;
  static final int MAX_HEADER_BYTES = 8192;

  /** Admin requests carry no body worth reading. */
  static final int MAX_CONTENT_BYTES = 1024;

  static final int IDLE_SECONDS = 60;

  private final AdminMetrics metrics;
  private final EnginePing enginePing;

  AdminInitializer(AdminMetrics metrics, EnginePing enginePing) {
    this.metrics = metrics;
    this.enginePing = enginePing;
  }

  @Override
  protected void initChannel(Channel ch) {
    // The listener leaves auto-read off for the proxy's backpressure; admin answers are small.
    ch.config().setAutoRead(true);
    ch.pipeline()
        .addLast(new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS))
        .addLast(new HttpServerCodec(MAX_INITIAL_LINE_BYTES, MAX_HEADER_BYTES, 8192))
        .addLast(new HttpObjectAggregator(MAX_CONTENT_BYTES))
        .addLast(new AdminHandler(metrics, enginePing));
  }
}
