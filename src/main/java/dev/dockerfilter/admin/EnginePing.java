package dev.dockerfilter.admin;

import dev.dockerfilter.transport.UpstreamConnector;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Asks the engine {@code GET /_ping} the way the proxy reaches it: the same connector, so the same
 * socket, transport and connect timeout. Readiness means this answers {@code 200 OK} in time.
 */
final class EnginePing {
  /** How long the whole check may take, connect included. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

  /** The engine's answer is two bytes; anything much larger is not a ping answer. */
  private static final int MAX_RESPONSE_BODY_BYTES = 4096;

  private final UpstreamConnector connector;
  private final Duration timeout;

  EnginePing(UpstreamConnector connector, Duration timeout) {
    this.connector = connector;
    this.timeout = timeout;
  }

  /** The outcome of one ping: whether the engine is ready, and a line for humans saying so. */
  record Result(boolean ready, String detail) {}

  /** Starts one ping on {@code loop}; the future always completes, at the latest after timeout. */
  Future<Result> ping(EventLoop loop) {
    Promise<Result> result = loop.newPromise();
    long started = System.nanoTime();
    ChannelFuture connected =
        connector.connect(
            loop,
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline()
                    .addLast(new HttpClientCodec())
                    .addLast(new HttpObjectAggregator(MAX_RESPONSE_BODY_BYTES))
                    .addLast(new PingHandler(result, started));
              }
            });
    connected.addListener(
        f -> {
          if (!f.isSuccess()) {
            result.trySuccess(new Result(false, "cannot connect to the engine: " + f.cause()));
          }
        });
    ScheduledFuture<?> deadline =
        loop.schedule(
            () -> {
              String why = "the engine did not answer within " + timeout.toMillis() + " ms";
              if (result.trySuccess(new Result(false, why))) {
                connected.channel().close();
              }
            },
            timeout.toNanos(),
            TimeUnit.NANOSECONDS);
    result.addListener(f -> deadline.cancel(false));
    return result;
  }

  /** Sends the ping once connected and judges the answer. */
  private static final class PingHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
    private final Promise<Result> result;
    private final long started;

    PingHandler(Promise<Result> result, long started) {
      this.result = result;
      this.started = started;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      // The connector leaves auto-read off for relaying; a one-shot probe just reads.
      ctx.channel().config().setAutoRead(true);
      FullHttpRequest ping =
          new DefaultFullHttpRequest(
              HttpVersion.HTTP_1_1, HttpMethod.GET, "/_ping", Unpooled.EMPTY_BUFFER);
      ping.headers()
          .set(HttpHeaderNames.HOST, "docker")
          .set(HttpHeaderNames.USER_AGENT, "docker-filter-readyz")
          .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(ping);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
      String body = response.content().toString(StandardCharsets.UTF_8);
      int status = response.status().code();
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      if (status == 200 && body.equals("OK")) {
        result.trySuccess(new Result(true, "the engine answered GET /_ping in " + millis + " ms"));
      } else {
        result.trySuccess(
            new Result(false, "the engine answered GET /_ping with status " + status));
      }
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      result.trySuccess(new Result(false, "the engine closed the connection without an answer"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      result.trySuccess(new Result(false, "error talking to the engine: " + cause));
      ctx.close();
    }
  }
}
