package dev.dockerfilter.proxy;

import dev.dockerfilter.http.HopByHopHeaders;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Builds the head the client gets from the head the engine sent, and decides how the body is framed
 * on the client's connection: by its length, in chunks, or by closing the connection.
 *
 * <p>Each decision is recorded on the {@link Exchange}, which the exchange handler reads to end the
 * answer: {@code clientChunked} (a cut stream can still end with a last chunk), {@code streaming}
 * (no length: it ends when the engine ends it), {@code closeAfter} and {@code upstreamCloses}.
 */
final class ResponseFraming {
  private ResponseFraming() {}

  /** The head of an answer relayed piece by piece as the engine sends it. */
  static HttpResponse relayed(Exchange x, HttpResponse upstreamToProxyResponse, boolean draining) {
    HttpHeaders headers = HopByHopHeaders.endToEnd(upstreamToProxyResponse.headers());
    x.upstreamCloses = !HttpUtil.isKeepAlive(upstreamToProxyResponse);
    int code = upstreamToProxyResponse.status().code();
    boolean bodyless = x.isHead() || code == 204 || code == 304;
    if (!bodyless && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      if (x.head.http10()) {
        // An HTTP/1.0 client never gets chunks: the body ends when the connection does.
        x.closeAfter = true;
      } else {
        headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        x.clientChunked = true;
      }
      x.streaming = true;
    }
    closeIfLast(x, headers, draining);
    return new DefaultHttpResponse(version(x), upstreamToProxyResponse.status(), headers);
  }

  /** A whole answer whose body was rewritten, sent with its new length. */
  static FullHttpResponse rewritten(
      Exchange x, HttpResponse upstreamToProxyResponse, byte[] body, boolean draining) {
    HttpHeaders headers = HopByHopHeaders.endToEnd(upstreamToProxyResponse.headers());
    headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
    // Spelled as the engine spells it, for clients that compare header names by case.
    headers.remove(HttpHeaderNames.CONTENT_LENGTH);
    headers.setInt("Content-Length", body.length);
    closeIfLast(x, headers, draining);
    return new DefaultFullHttpResponse(
        version(x),
        upstreamToProxyResponse.status(),
        Unpooled.wrappedBuffer(body),
        headers,
        EmptyHttpHeaders.INSTANCE);
  }

  /** The connection closes after this answer when we drain, or the client did not keep alive. */
  private static void closeIfLast(Exchange x, HttpHeaders headers, boolean draining) {
    if (draining || !x.keepAlive) {
      x.closeAfter = true;
    }
    if (x.closeAfter) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
  }

  /** The client's own version: an HTTP/1.0 client gets an HTTP/1.0 answer. */
  private static HttpVersion version(Exchange x) {
    return x.head.http10() ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1;
  }
}
