package dev.dockerfilter.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.util.List;

/**
 * Netty's request decoder, with a raw check of every request head before Netty parses it.
 *
 * <p>Example: {@code GET /_ping HTTP/1.1\r\nHost: d\r\n X: y\r\n\r\n} (an obs-fold line) is
 * rejected with 400, where plain Netty would merge the second line into {@code Host}.
 *
 * <p>What it emits is Netty's usual {@code HttpRequest}, {@code HttpContent}s and {@code
 * LastHttpContent}, with one promise added: any emitted object whose {@code decoderResult()} is a
 * failure carries a {@link MalformedRequestException} with the status to answer (400, 414 or 431),
 * and nothing follows it, because every later byte on the connection is discarded. Used on the
 * connection's event loop only.
 */
public final class StrictRequestDecoder extends HttpRequestDecoder {
  /** Cap on the request line, with leading empty lines and its CRLF. */
  public static final int DEFAULT_MAX_INITIAL_LINE_BYTES = 8192;

  /** Cap on the header lines after the request line, with their CRLFs and the empty line. */
  public static final int DEFAULT_MAX_HEADER_BYTES = 16384;

  private static final int MAX_CHUNK_BYTES = 8192;

  private final RawHeadScanner scanner;
  private boolean betweenRequests = true;
  private boolean rejected;

  /**
   * A decoder with {@link #DEFAULT_MAX_INITIAL_LINE_BYTES} and {@link #DEFAULT_MAX_HEADER_BYTES}.
   */
  public StrictRequestDecoder() {
    this(DEFAULT_MAX_INITIAL_LINE_BYTES, DEFAULT_MAX_HEADER_BYTES);
  }

  /**
   * A decoder with the given limits; a head over either is rejected with 414 or 431.
   *
   * @param maxInitialLineBytes cap on the request line, with leading empty lines and its CRLF
   * @param maxHeaderBytes cap on the header lines after the request line, with their CRLFs and the
   *     final empty line
   */
  public StrictRequestDecoder(int maxInitialLineBytes, int maxHeaderBytes) {
    super(config(maxInitialLineBytes, maxHeaderBytes));
    this.scanner = new RawHeadScanner(maxInitialLineBytes, maxHeaderBytes);
  }

  /**
   * Whether some bytes of a request head have arrived but not the whole head yet: the time a client
   * may take here is bounded by the header-read timeout, not the idle timeout.
   */
  public boolean isReadingHead() {
    return betweenRequests && !rejected && scanner.hasStarted();
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out)
      throws Exception {
    if (rejected) {
      buffer.skipBytes(buffer.readableBytes());
      return;
    }

    if (betweenRequests && !headArrivedAndPassed(buffer, out)) {
      return;
    }

    int firstNew = out.size();
    super.decode(ctx, buffer, out);
    afterNetty(buffer, out, firstNew);
  }

  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out)
      throws Exception {
    int firstNew = out.size();
    super.decodeLast(ctx, buffer, out);
    rejected |= replaceFailureCauses(out, firstNew);
  }

  /** Netty's reset (used after a refused {@code Expect}) starts a new head: check it too. */
  @Override
  public void reset() {
    super.reset();
    if (!rejected) {
      betweenRequests = true;
      scanner.reset();
    }
  }

  private static HttpDecoderConfig config(int maxInitialLineBytes, int maxHeaderBytes) {
    if (maxInitialLineBytes <= 0 || maxHeaderBytes <= 0) {
      throw new IllegalArgumentException(
          "limits must be positive: '"
              + maxInitialLineBytes
              + "', '"
              + maxHeaderBytes
              + "' (maxInitialLineBytes > 0, maxHeaderBytes > 0)");
    }
    // Set every security-relevant option explicitly: some defaults follow system properties.
    return new HttpDecoderConfig()
        .setMaxInitialLineLength(maxInitialLineBytes)
        .setMaxHeaderSize(maxHeaderBytes)
        .setMaxChunkSize(MAX_CHUNK_BYTES)
        .setStrictLineParsing(true)
        .setAllowDuplicateContentLengths(false)
        .setUseRfc9112TransferEncoding(true)
        .setValidateHeaders(true)
        .setChunkedSupported(true);
  }

  /** Waits for the whole head and checks it raw; false while waiting or after a reject. */
  private boolean headArrivedAndPassed(ByteBuf buffer, List<Object> out) {
    try {
      if (scanner.scan(buffer) < 0) {
        return false;
      }
    } catch (MalformedRequestException e) {
      reject(buffer, out, e);
      return false;
    }
    scanner.reset();
    betweenRequests = false;
    return true;
  }

  private void afterNetty(ByteBuf buffer, List<Object> out, int firstNew) {
    if (replaceFailureCauses(out, firstNew) || refuseHixieRequest(out, firstNew)) {
      rejected = true;
      buffer.skipBytes(buffer.readableBytes());
      return;
    }

    if (out.size() > firstNew && out.get(out.size() - 1) instanceof LastHttpContent) {
      betweenRequests = true;
    }
  }

  /** Fails a request that Netty would frame differently from the engine; true if there was one. */
  private static boolean refuseHixieRequest(List<Object> out, int firstNew) {
    for (int i = firstNew; i < out.size(); i++) {
      if (out.get(i) instanceof HttpRequest request && readsHixieBody(request)) {
        request.setDecoderResult(
            DecoderResult.failure(
                new MalformedRequestException(
                    400,
                    "Sec-WebSocket-Key1 and Key2 without a length: '"
                        + WireText.quote(request.uri())
                        + "' (no obsolete Hixie-76 handshake)")));
        // Nothing Netty read as that request's body may reach the proxy.
        List<Object> body = out.subList(i + 1, out.size());
        body.forEach(ReferenceCountUtil::release);
        body.clear();
        return true;
      }
    }
    return false;
  }

  /**
   * Netty gives a GET with both Hixie-76 key headers and no length an 8-byte body; RFC 9112 section
   * 6.3 gives it none, and so would the engine. Such a disagreement on where a request ends is how
   * requests are smuggled, so the request is refused.
   */
  private static boolean readsHixieBody(HttpRequest request) {
    HttpHeaders headers = request.headers();
    return HttpMethod.GET.equals(request.method())
        && headers.contains(HttpHeaderNames.SEC_WEBSOCKET_KEY1)
        && headers.contains(HttpHeaderNames.SEC_WEBSOCKET_KEY2)
        && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)
        && !headers.contains(HttpHeaderNames.TRANSFER_ENCODING);
  }

  /** Gives every failure Netty emitted a MalformedRequestException cause; true if there was one. */
  private static boolean replaceFailureCauses(List<Object> out, int firstNew) {
    boolean failed = false;
    for (int i = firstNew; i < out.size(); i++) {
      if (out.get(i) instanceof DecoderResultProvider provider
          && provider.decoderResult().isFailure()) {
        failed = true;
        Throwable cause = provider.decoderResult().cause();
        if (!(cause instanceof MalformedRequestException)) {
          provider.setDecoderResult(DecoderResult.failure(translate(cause, provider)));
        }
      }
    }
    return failed;
  }

  private static MalformedRequestException translate(Throwable cause, Object failed) {
    String detail = "'" + WireText.quote(String.valueOf(cause.getMessage())) + "'";
    MalformedRequestException translated;
    if (!(failed instanceof HttpRequest)) {
      translated = new MalformedRequestException(400, "malformed chunked body: " + detail);
    } else if (cause instanceof TooLongHttpLineException) {
      translated = new MalformedRequestException(414, "request line too long: " + detail);
    } else if (cause instanceof TooLongHttpHeaderException) {
      translated = new MalformedRequestException(431, "header block too large: " + detail);
    } else {
      translated =
          new MalformedRequestException(
              400, "malformed request head: " + detail + " (RFC 9112 message syntax)");
    }
    translated.initCause(cause);
    return translated;
  }

  private void reject(ByteBuf buffer, List<Object> out, MalformedRequestException cause) {
    rejected = true;
    buffer.skipBytes(buffer.readableBytes());
    HttpRequest invalid =
        new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/bad-request");
    invalid.setDecoderResult(DecoderResult.failure(cause));
    out.add(invalid);
  }
}
