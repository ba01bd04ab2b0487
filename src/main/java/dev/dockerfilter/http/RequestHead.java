package dev.dockerfilter.http;

import io.netty.handler.codec.http.HttpRequest;

/**
 * A request line and header block that passed every check, ready to be judged.
 *
 * @param method the method token, case-sensitive
 * @param http10 whether the client spoke HTTP/1.0 (it must never get a chunked answer)
 * @param target the parsed target
 * @param framing how the body is delimited
 * @param contentLength the declared length for {@link BodyFraming#FIXED_LENGTH}, else 0
 */
public record RequestHead(
    String method, boolean http10, RequestTarget target, BodyFraming framing, long contentLength) {

  /** Validates a decoded request and parses its target, or rejects it. */
  public static RequestHead from(HttpRequest request) throws MalformedRequestException {
    throw new UnsupportedOperationException("filled in by the http package");
  }
}
