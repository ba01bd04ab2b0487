package dev.dockerfilter.http;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A request line and header block that passed every check, ready to be judged.
 *
 * <p>Example: {@code GET /v1.41/containers/json HTTP/1.1} with {@code Host: docker} becomes method
 * {@code GET}, HTTP/1.1, the parsed target and framing {@link BodyFraming#NONE}.
 *
 * @param method the method token, case-sensitive
 * @param http10 whether the client spoke HTTP/1.0 (it must never get a chunked answer)
 * @param target the parsed target
 * @param framing how the body is delimited
 * @param contentLength the declared length for {@link BodyFraming#FIXED_LENGTH}, else 0
 */
public record RequestHead(
    String method, boolean http10, RequestTarget target, BodyFraming framing, long contentLength) {

  private static final String ALPHANUMERIC =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  /** RFC 9110 section 5.6.2 token characters. */
  private static final boolean[] TCHAR = asciiSet(ALPHANUMERIC + "!#$%&'*+.^_`|~-");

  /** 1*DIGIT (RFC 9110 section 8.6), capped so that the value always fits a long. */
  private static final Pattern CONTENT_LENGTH = Pattern.compile("[0-9]{1,18}");

  /**
   * Host is uri-host [ ":" port ] (RFC 9110 section 7.2), or empty. A comma is legal in a reg-name
   * but is refused: it is how a list of hosts looks, and no Docker client sends one.
   */
  private static final boolean[] HOST_CHAR = asciiSet(ALPHANUMERIC + "!$&'()*+.:;=[]%~_-");

  /** Validates the invariants that {@link #from} guarantees. */
  public RequestHead {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(framing, "framing");
    if (contentLength < 0 || (framing != BodyFraming.FIXED_LENGTH && contentLength != 0)) {
      throw new IllegalArgumentException(
          "contentLength does not fit the framing: '" + contentLength + "' (" + framing + ")");
    }
  }

  /** Validates a decoded request and parses its target, or rejects it. */
  public static RequestHead from(HttpRequest request) throws MalformedRequestException {
    // A request Netty failed to decode carries its reason; never judge what it half-parsed.
    rethrowDecoderFailure(request.decoderResult());

    // "GET": the method is a token (RFC 9110 section 9.1); unknown tokens are for the policy.
    String method = request.method().name();
    if (method.isEmpty() || !allIn(TCHAR, method)) {
      throw new MalformedRequestException(
          400, "method is not a token: '" + WireText.quote(method) + "' (RFC 9110 tchar only)");
    }

    // "HTTP/1.1" or "HTTP/1.0" only (RFC 9110 section 6.2): 505 for anything else.
    HttpVersion version = request.protocolVersion();
    boolean http10 = version.equals(HttpVersion.HTTP_1_0);
    if (!http10 && !version.equals(HttpVersion.HTTP_1_1)) {
      throw new MalformedRequestException(
          505,
          "HTTP version not supported: '"
              + WireText.quote(version.text())
              + "' (HTTP/1.1 or HTTP/1.0)");
    }

    HttpHeaders headers = request.headers();
    checkHost(headers.getAll(HttpHeaderNames.HOST), http10);
    RequestTarget target = RequestTarget.parse(request.uri());
    RequestHead head = withFraming(method, http10, target, headers);
    checkNoFormBody(head, headers);
    return head;
  }

  /**
   * The engine's Go server reads a form body of a POST, PUT or PATCH into the same parameters as
   * the query, the body's values first: a rule's query condition could be met in the query while
   * the engine acts on the body. No Docker client sends one, so a form body is refused outright.
   */
  private static void checkNoFormBody(RequestHead head, HttpHeaders headers)
      throws MalformedRequestException {
    boolean hasBody = head.framing() == BodyFraming.CHUNKED || head.contentLength() > 0;
    String type = headers.get(HttpHeaderNames.CONTENT_TYPE, "").trim().toLowerCase(Locale.ROOT);
    if (hasBody
        && (type.startsWith("application/x-www-form-urlencoded")
            || type.startsWith("multipart/form-data"))) {
      throw new MalformedRequestException(
          400,
          "form body refused: '"
              + WireText.quote(type)
              + "' (the Docker API takes JSON or a tar stream; the engine would read form fields"
              + " as query parameters)");
    }
  }

  private static void rethrowDecoderFailure(DecoderResult result) throws MalformedRequestException {
    if (!result.isFailure()) {
      return;
    }
    if (result.cause() instanceof MalformedRequestException malformed) {
      throw malformed;
    }
    MalformedRequestException failed =
        new MalformedRequestException(
            400,
            "request failed to decode: '"
                + WireText.quote(String.valueOf(result.cause()))
                + "' (RFC 9112 message syntax)");
    failed.initCause(result.cause());
    throw failed;
  }

  private static void checkHost(List<String> hosts, boolean http10)
      throws MalformedRequestException {
    // HTTP/1.1 needs exactly one Host, any version at most one (RFC 9112 section 3.2).
    if (hosts.size() > 1 || (hosts.isEmpty() && !http10)) {
      throw new MalformedRequestException(
          400,
          "wrong number of Host headers: '"
              + WireText.quote(String.join(", ", hosts))
              + "' (exactly one in HTTP/1.1, at most one in HTTP/1.0)");
    }
    // An invalid Host value must also get 400 (RFC 9112 section 3.2).
    if (!hosts.isEmpty() && !allIn(HOST_CHAR, hosts.get(0))) {
      throw new MalformedRequestException(
          400, "invalid Host header: '" + WireText.quote(hosts.get(0)) + "' (host or host:port)");
    }
  }

  private static RequestHead withFraming(
      String method, boolean http10, RequestTarget target, HttpHeaders headers)
      throws MalformedRequestException {
    List<String> transferEncodings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
    List<String> contentLengths = headers.getAll(HttpHeaderNames.CONTENT_LENGTH);

    // Two framings is the classic smuggling request (RFC 9112 section 6.1): refuse, never pick.
    if (!transferEncodings.isEmpty() && !contentLengths.isEmpty()) {
      throw new MalformedRequestException(
          400,
          "both Transfer-Encoding and Content-Length: '"
              + WireText.quote(transferEncodings + " " + contentLengths)
              + "' (one or the other)");
    }

    if (!transferEncodings.isEmpty()) {
      checkChunked(transferEncodings, http10);
      return new RequestHead(method, http10, target, BodyFraming.CHUNKED, 0);
    }

    if (!contentLengths.isEmpty()) {
      long length = parseContentLength(contentLengths);
      checkNoBodyOnGetOrHead(method, length);
      return new RequestHead(method, http10, target, BodyFraming.FIXED_LENGTH, length);
    }

    return new RequestHead(method, http10, target, BodyFraming.NONE, 0);
  }

  private static void checkChunked(List<String> transferEncodings, boolean http10)
      throws MalformedRequestException {
    // HTTP/1.0 has no Transfer-Encoding (RFC 9112 section 6.1).
    if (http10) {
      throw new MalformedRequestException(
          400,
          "Transfer-Encoding in HTTP/1.0: '"
              + WireText.quote(String.join(", ", transferEncodings))
              + "' (HTTP/1.1 only)");
    }
    // Only a lone "chunked" (RFC 9112 section 6.1): the engine decodes no other coding, and every
    // list or variant is a chance for two parsers to disagree on where the body ends.
    if (transferEncodings.size() != 1
        || !transferEncodings.get(0).strip().equalsIgnoreCase("chunked")) {
      throw new MalformedRequestException(
          400,
          "unsupported Transfer-Encoding: '"
              + WireText.quote(String.join(", ", transferEncodings))
              + "' (a single 'chunked')");
    }
  }

  private static long parseContentLength(List<String> contentLengths)
      throws MalformedRequestException {
    // One header whose value is 1*DIGIT (RFC 9110 section 8.6): no sign, list, space or blank.
    String value = String.join(", ", contentLengths);
    if (contentLengths.size() != 1 || !CONTENT_LENGTH.matcher(value).matches()) {
      throw new MalformedRequestException(
          400,
          "invalid Content-Length: '" + WireText.quote(value) + "' (one value of 1 to 18 digits)");
    }
    return Long.parseLong(value);
  }

  private static void checkNoBodyOnGetOrHead(String method, long length)
      throws MalformedRequestException {
    // A body on GET or HEAD has no defined meaning (RFC 9110 sections 9.3.1 and 9.3.2); refusing
    // it keeps a second request from hiding in it.
    boolean getOrHead =
        method.equals(HttpMethod.GET.name()) || method.equals(HttpMethod.HEAD.name());
    if (getOrHead && length > 0) {
      throw new MalformedRequestException(
          400,
          "body on " + method + ": 'Content-Length: " + length + "' (none, or Content-Length: 0)");
    }
  }

  /** These checks run on every request: a table lookup per character, not a regex. */
  private static boolean[] asciiSet(String members) {
    boolean[] set = new boolean[128];
    for (int i = 0; i < members.length(); i++) {
      set[members.charAt(i)] = true;
    }
    return set;
  }

  private static boolean allIn(boolean[] set, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c >= set.length || !set[c]) {
        return false;
      }
    }
    return true;
  }
}
