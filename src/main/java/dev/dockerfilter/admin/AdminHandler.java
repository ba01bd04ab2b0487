package dev.dockerfilter.admin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Serves one admin request: {@code /metrics}, {@code /healthz} or {@code /readyz}, by GET or HEAD.
 * Anything else gets 404 or 405; the answers are plain text, meant for probes and scrapers.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final ExpositionFormatWriter PROMETHEUS_TEXT = PrometheusTextFormatWriter.create();
  private static final ExpositionFormatWriter OPEN_METRICS = OpenMetricsTextFormatWriter.create();
  private static final String TEXT = "text/plain; charset=utf-8";

  private final AdminMetrics metrics;
  private final EnginePing enginePing;

  AdminHandler(AdminMetrics metrics, EnginePing enginePing) {
    this.metrics = metrics;
    this.enginePing = enginePing;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = request.decoderResult().isSuccess() && HttpUtil.isKeepAlive(request);
    boolean head = request.method().equals(HttpMethod.HEAD);
    if (!request.decoderResult().isSuccess()) {
      send(ctx, text(HttpResponseStatus.BAD_REQUEST, "malformed request\n"), false, false);
      return;
    }
    String path = new QueryStringDecoder(request.uri()).path();
    if (!path.equals("/metrics") && !path.equals("/healthz") && !path.equals("/readyz")) {
      send(ctx, text(HttpResponseStatus.NOT_FOUND, "no such admin path\n"), head, keepAlive);
      return;
    }
    if (!head && !request.method().equals(HttpMethod.GET)) {
      FullHttpResponse refused = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET or HEAD\n");
      refused.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
      send(ctx, refused, false, keepAlive);
      return;
    }
    switch (path) {
      case "/metrics" -> send(ctx, metrics(request), head, keepAlive);
      case "/healthz" -> send(ctx, text(HttpResponseStatus.OK, "ok\n"), head, keepAlive);
      default -> readiness(ctx, head, keepAlive);
    }
  }

  /** The Prometheus text format, or OpenMetrics when the scraper asks for it. */
  private FullHttpResponse metrics(FullHttpRequest request) {
    String accept = request.headers().get(HttpHeaderNames.ACCEPT, "");
    ExpositionFormatWriter writer = OPEN_METRICS.accepts(accept) ? OPEN_METRICS : PROMETHEUS_TEXT;
    ByteBuf body = Unpooled.buffer(8192);
    try (OutputStream out = new ByteBufOutputStream(body)) {
      writer.write(out, metrics.registry().scrape());
    } catch (IOException e) {
      body.release();
      return text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "cannot write metrics\n");
    }
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, writer.getContentType());
    return response;
  }

  private void readiness(ChannelHandlerContext ctx, boolean head, boolean keepAlive) {
    // A pipelined request behind this one waits, so that answers keep the order of requests.
    ctx.channel().config().setAutoRead(false);
    enginePing
        .ping(ctx.channel().eventLoop())
        .addListener(
            f -> {
              ctx.channel().config().setAutoRead(true);
              EnginePing.Result result = (EnginePing.Result) f.getNow();
              HttpResponseStatus status =
                  result.ready() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE;
              String word = result.ready() ? "ready: " : "not ready: ";
              send(ctx, text(status, word + result.detail() + "\n"), head, keepAlive);
            });
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      ctx.close();
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A scraper that hangs up mid-answer is no news; the connection is simply gone.
    ctx.close();
  }

  private static FullHttpResponse text(HttpResponseStatus status, String body) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, TEXT);
    return response;
  }

  private static void send(
      ChannelHandlerContext ctx, FullHttpResponse response, boolean head, boolean keepAlive) {
    HttpUtil.setContentLength(response, response.content().readableBytes());
    response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    if (head) {
      // RFC 9110 §9.3.2: HEAD gets the headers GET would, and no content.
      response.content().clear();
    }
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.writeAndFlush(response);
    }
  }
}
