package dev.dockerfilter.http;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Removes the headers that describe one hop and must not cross a proxy (RFC 9110 section 7.6.1).
 *
 * <p>Example: {@code Connection: close, X-Trace} with {@code Keep-Alive: 5}, {@code X-Trace: 1} and
 * {@code Accept: application/json} keeps only {@code Accept}.
 */
public final class HopByHopHeaders {
  /** Lower-case names of the fields that only mean something on one connection. */
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "proxy-authenticate",
          "proxy-authorization");

  private HopByHopHeaders() {}

  /** A copy of {@code in} without hop-by-hop headers and without any header named in Connection. */
  public static HttpHeaders endToEnd(HttpHeaders in) {
    Set<String> dropped = new HashSet<>(HOP_BY_HOP);
    // "Connection: close, X-Trace" makes X-Trace hop-by-hop too (RFC 9110 section 7.6.1).
    for (String connection : in.getAll(HttpHeaderNames.CONNECTION)) {
      for (String option : connection.split(",")) {
        dropped.add(option.strip().toLowerCase(Locale.ROOT));
      }
    }

    HttpHeaders out = DefaultHttpHeadersFactory.headersFactory().newHeaders();
    Iterator<Map.Entry<CharSequence, CharSequence>> fields = in.iteratorCharSequence();
    while (fields.hasNext()) {
      Map.Entry<CharSequence, CharSequence> field = fields.next();
      if (!dropped.contains(field.getKey().toString().toLowerCase(Locale.ROOT))) {
        out.add(field.getKey(), field.getValue());
      }
    }
    return out;
  }
}
