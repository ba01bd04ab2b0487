package dev.dockerfilter.http;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Removes the headers that describe one hop and must not cross a proxy (RFC 9110 section 7.6.1).
 *
 * <p>Example: {@code Connection: close, X-Trace} with {@code Keep-Alive: 5}, {@code X-Trace: 1} and
 * {@code Accept: application/json} keeps only {@code Accept}.
 */
public final class HopByHopHeaders {
  /** The fields that only mean something on one connection; names compare case-insensitively. */
  private static final List<AsciiString> HOP_BY_HOP =
      List.of(
          HttpHeaderNames.CONNECTION,
          AsciiString.cached("keep-alive"),
          AsciiString.cached("proxy-connection"),
          HttpHeaderNames.TE,
          HttpHeaderNames.TRAILER,
          HttpHeaderNames.TRANSFER_ENCODING,
          HttpHeaderNames.UPGRADE,
          HttpHeaderNames.PROXY_AUTHENTICATE,
          HttpHeaderNames.PROXY_AUTHORIZATION);

  /**
   * Every header here was validated when it was decoded; validating each again when it is copied
   * would only cost time.
   */
  private static final DefaultHttpHeadersFactory COPIES =
      DefaultHttpHeadersFactory.headersFactory()
          .withNameValidation(false)
          .withValueValidation(false);

  private HopByHopHeaders() {}

  /** A copy of {@code in} without hop-by-hop headers and without any header named in Connection. */
  public static HttpHeaders endToEnd(HttpHeaders in) {
    // "Connection: close, X-Trace" makes X-Trace hop-by-hop too (RFC 9110 section 7.6.1).
    List<String> named = new ArrayList<>(0);
    for (String connection : in.getAll(HttpHeaderNames.CONNECTION)) {
      for (String option : connection.split(",")) {
        named.add(option.strip());
      }
    }

    HttpHeaders out = COPIES.newHeaders();
    Iterator<Map.Entry<CharSequence, CharSequence>> fields = in.iteratorCharSequence();
    while (fields.hasNext()) {
      Map.Entry<CharSequence, CharSequence> field = fields.next();
      if (!isHopByHop(field.getKey(), named)) {
        out.add(field.getKey(), field.getValue());
      }
    }
    return out;
  }

  private static boolean isHopByHop(CharSequence name, List<String> named) {
    for (AsciiString hopByHop : HOP_BY_HOP) {
      if (hopByHop.contentEqualsIgnoreCase(name)) {
        return true;
      }
    }
    for (String option : named) {
      if (AsciiString.contentEqualsIgnoreCase(option, name)) {
        return true;
      }
    }
    return false;
  }
}
