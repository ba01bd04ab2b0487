package dev.dockerfilter.http;

import static dev.dockerfilter.http.BodyFraming.NONE;
import static dev.dockerfilter.http.Wire.head;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Raw requests decoded by a real {@link StrictRequestDecoder}, then checked by RequestHead. */
class RequestHeadTest {

  static Stream<Arguments> acceptedRequests() {
    // Expected: method, version, canonical path, framing, content length.
    return Stream.of(
        row(head("GET /_ping HTTP/1.1", "Host: d"), "GET HTTP/1.1 /_ping NONE 0"),
        // A form content type with no body gives the engine nothing to read
        row(
            head(
                "POST /containers/x/start HTTP/1.1",
                "Host: d",
                "Content-Type: application/x-www-form-urlencoded",
                "Content-Length: 0"),
            "POST HTTP/1.1 /containers/x/start FIXED_LENGTH 0"),
        row(head("HEAD /_ping HTTP/1.1", "Host: localhost:2375"), "HEAD HTTP/1.1 /_ping NONE 0"),
        row(
            head("GET /v1.41/version HTTP/1.1", "host: api.moby.localhost"),
            "GET HTTP/1.1 /version NONE 0"),
        row(head("GET /_ping HTTP/1.1", "Host: [::1]:2375"), "GET HTTP/1.1 /_ping NONE 0"),
        row(head("GET /_ping HTTP/1.1", "Host:"), "GET HTTP/1.1 /_ping NONE 0"),
        row(head("GET /containers/json HTTP/1.0"), "GET HTTP/1.0 /containers/json NONE 0"),
        row(head("GET /_ping HTTP/1.0", "Host: docker"), "GET HTTP/1.0 /_ping NONE 0"),
        row("\r\n\r\n" + head("GET /_ping HTTP/1.1", "Host: d"), "GET HTTP/1.1 /_ping NONE 0"),
        // Content-Length 0 is fine on GET and HEAD, and is fixed-length framing
        row(
            head("GET /_ping HTTP/1.1", "Host: d", "Content-Length: 0"),
            "GET HTTP/1.1 /_ping FIXED_LENGTH 0"),
        row(
            head("HEAD /_ping HTTP/1.1", "Host: d", "Content-Length: 0"),
            "HEAD HTTP/1.1 /_ping FIXED_LENGTH 0"),
        row(
            head("POST /v1.41/containers/create HTTP/1.1", "Host: d", "Content-Length: 18")
                + "{\"Image\":\"alpine\"}",
            "POST HTTP/1.1 /containers/create FIXED_LENGTH 18"),
        row(
            head("POST /containers/abc/start HTTP/1.1", "Host: d", "Content-Length:  007 \t")
                + "1234567",
            "POST HTTP/1.1 /containers/abc/start FIXED_LENGTH 7"),
        row(
            head("POST /build HTTP/1.1", "Host: d", "Content-Length: 999999999999999999"),
            "POST HTTP/1.1 /build FIXED_LENGTH 999999999999999999"),
        // A lone chunked, any case, with OWS; GET may carry it (the proxy drops an empty body)
        row(
            head("POST /images/load HTTP/1.1", "Host: d", "Transfer-Encoding: chunked")
                + "0\r\n\r\n",
            "POST HTTP/1.1 /images/load CHUNKED 0"),
        row(
            head("GET /_ping HTTP/1.1", "Host: d", "Transfer-Encoding: Chunked") + "0\r\n\r\n",
            "GET HTTP/1.1 /_ping CHUNKED 0"),
        row(
            head("PUT /x HTTP/1.1", "Host: d", "Transfer-Encoding:\tCHUNKED ") + "0\r\n\r\n",
            "PUT HTTP/1.1 /x CHUNKED 0"),
        // Unknown but valid method tokens pass: the policy denies them
        row(
            head("DELETE /containers/abc HTTP/1.1", "Host: d"),
            "DELETE HTTP/1.1 /containers/abc NONE 0"),
        row(head("PURGE /_ping HTTP/1.1", "Host: d"), "PURGE HTTP/1.1 /_ping NONE 0"),
        row(head("get /_ping HTTP/1.1", "Host: d"), "get HTTP/1.1 /_ping NONE 0"),
        // C15 line 6: a long name that starts like Content-Length is just another header
        row(
            head("GET /_ping HTTP/1.1", "Host: d", "Content-Length0" + "a".repeat(270) + ": 0"),
            "GET HTTP/1.1 /_ping NONE 0"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("acceptedRequests")
  void acceptsRequest(String raw, String expected) throws MalformedRequestException {
    RequestHead head = Wire.headOf(raw);

    String version = head.http10() ? "HTTP/1.0" : "HTTP/1.1";
    assertThat(
            String.join(
                " ",
                head.method(),
                version,
                head.target().path(),
                head.framing().name(),
                Long.toString(head.contentLength())))
        .isEqualTo(expected);
  }

  static Stream<Arguments> rejectedRequests() {
    return Stream.of(
        // A form body: the engine would read its fields as query parameters, body first
        row(
            head(
                "POST /images/create?fromImage=busybox HTTP/1.1",
                "Host: d",
                "Content-Type: application/x-www-form-urlencoded",
                "Content-Length: 41"),
            400),
        row(
            head(
                "POST /images/create HTTP/1.1",
                "Host: d",
                "Content-Type: Multipart/Form-Data; boundary=x",
                "Transfer-Encoding: chunked"),
            400),
        // Host: exactly one in HTTP/1.1, at most one in HTTP/1.0, and a plausible value
        row(head("GET /_ping HTTP/1.1"), 400),
        row(head("GET /_ping HTTP/1.1", "Host: a", "Host: b"), 400),
        row(head("GET /_ping HTTP/1.0", "Host: a", "Host: a"), 400),
        row(head("GET /_ping HTTP/1.1", "Host: a b"), 400),
        row(head("GET /_ping HTTP/1.1", "Host: a, b"), 400),
        row(head("GET /_ping HTTP/1.1", "Host: user@docker"), 400),
        // Versions: 505 for a well-formed other version, 400 for a malformed one
        row(head("GET /_ping HTTP/2.0", "Host: d"), 505),
        row(head("GET /_ping HTTP/1.2", "Host: d"), 505),
        row(head("GET /_ping HTTP/0.9", "Host: d"), 505),
        row(head("PRI * HTTP/2.0") + "SM\r\n\r\n", 505),
        row(head("GET /_ping HTTP/1.10", "Host: d"), 400),
        row(head("GET /_ping http/1.1", "Host: d"), 400),
        row(head("GET /_ping", "Host: d"), 400),
        // Request line: single SPs, a token method, an origin-form target
        row(head("GET  /_ping HTTP/1.1", "Host: d"), 400),
        row(head("GET /_ping HTTP/1.1 ", "Host: d"), 400),
        row(head("GET\t/_ping\tHTTP/1.1", "Host: d"), 400),
        row(head("G(T /_ping HTTP/1.1", "Host: d"), 400),
        row(head("GET http://docker/_ping HTTP/1.1", "Host: d"), 400),
        row(head("OPTIONS * HTTP/1.1", "Host: d"), 400),
        row(head("CONNECT docker:2375 HTTP/1.1", "Host: d"), 400),
        row(head("GET /_ping#x HTTP/1.1", "Host: d"), 400),
        row(head("GET /caf\u00E9 HTTP/1.1", "Host: d"), 400),
        // C01/C04/C06 targets reach the same rejects through the decoder
        row(head("GET /v1.41/containers/json/../abc/export HTTP/1.1", "Host: d"), 400),
        row(head("GET /v1.41/containers/json/%2e%2e/abc/export HTTP/1.1", "Host: d"), 400),
        row(head("GET /v1.41/containers/./json HTTP/1.1", "Host: d"), 400),
        row(head("GET /v1.41/containers/abc%5C..%5Cexport HTTP/1.1", "Host: d"), 400),
        row(head("GET /v1.41/containers/abc%00/json HTTP/1.1", "Host: d"), 400),
        // C15: CL with TE, unknown TE, space before the colon, TE lists, obs-fold
        row(
            head(
                    "GET /_ping HTTP/1.1",
                    "Host: d",
                    "Content-Length: 4",
                    "Transfer-Encoding: chunked")
                + "0\r\n\r\n",
            400),
        row(head("GET /_ping HTTP/1.1", "Host: d", "Transfer-Encoding: xchunked"), 400),
        row(
            head("GET /_ping HTTP/1.1", "Host: d", "Transfer-Encoding : chunked") + "0\r\n\r\n",
            400),
        row(
            head("GET /_ping HTTP/1.1", "Host: d", "Transfer-Encoding: chunked, identity")
                + "0\r\n\r\n",
            400),
        row(head("GET /_ping HTTP/1.1", "Host: d", " Content-Length: 5"), 400),
        // Field syntax Netty enforces: a colon, a token name (RFC 9110 section 5.1)
        row(head("GET /_ping HTTP/1.1", "Host: d", "NoColon"), 400),
        row(head("GET /_ping HTTP/1.1", "Host: d", "X A: b"), 400),
        row(head("GET /_ping HTTP/1.1", "Host: d", ": b"), 400),
        row(head("GET /_ping HTTP/1.1", "Host: d", "X\u00E9: b"), 400),
        // Transfer-Encoding other than one lone chunked, or on HTTP/1.0
        row(
            head("POST /x HTTP/1.1", "Host: d", "Transfer-Encoding: gzip, chunked") + "0\r\n\r\n",
            400),
        row(
            head(
                    "POST /x HTTP/1.1",
                    "Host: d",
                    "Transfer-Encoding: gzip",
                    "Transfer-Encoding: chunked")
                + "0\r\n\r\n",
            400),
        row(
            head(
                    "POST /x HTTP/1.1",
                    "Host: d",
                    "Transfer-Encoding: chunked",
                    "Transfer-Encoding: chunked")
                + "0\r\n\r\n",
            400),
        row(
            head("POST /x HTTP/1.1", "Host: d", "Transfer-Encoding: chunked;q=1") + "0\r\n\r\n",
            400),
        row(head("POST /x HTTP/1.1", "Host: d", "Transfer-Encoding:"), 400),
        row(head("POST /x HTTP/1.0", "Transfer-Encoding: chunked") + "0\r\n\r\n", 400),
        // C14: empty, duplicate, list-valued and signed Content-Length
        row(head("GET /_ping HTTP/1.1", "Host: d", "Content-Length:", "Content-Length: 45"), 400),
        row(head("GET /_ping HTTP/1.1", "Host: d", "Content-Length: 0", "Content-Length: 45"), 400),
        row(head("GET /_ping HTTP/1.1", "Host: d", "Content-Length: 0, 41"), 400),
        row(head("GET /_ping HTTP/1.1", "Host: d", "Content-Length: +0"), 400),
        row(head("GET /_ping HTTP/1.0", "Content-Length: 0", "Content-Length: 45"), 400),
        row(head("GET /_ping HTTP/1.0", "Content-Length: 0", "Content-Length: 0"), 400),
        // Content-Length: 1*DIGIT, at most 18 digits
        row(head("POST /x HTTP/1.1", "Host: d", "Content-Length:"), 400),
        row(head("POST /x HTTP/1.1", "Host: d", "Content-Length: -1"), 400),
        row(head("POST /x HTTP/1.1", "Host: d", "Content-Length: 1 2"), 400),
        row(head("POST /x HTTP/1.1", "Host: d", "Content-Length: 0x10"), 400),
        row(head("POST /x HTTP/1.1", "Host: d", "Content-Length: 1e3"), 400),
        row(head("POST /x HTTP/1.1", "Host: d", "Content-Length: 1000000000000000000"), 400),
        row(head("POST /x HTTP/1.1", "Host: d", "Content-Length: 99999999999999999999"), 400),
        // A body on GET or HEAD
        row(head("GET /_ping HTTP/1.1", "Host: d", "Content-Length: 5") + "hello", 400),
        row(head("HEAD /_ping HTTP/1.1", "Host: d", "Content-Length: 1") + "x", 400));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("rejectedRequests")
  void rejectsRequest(String raw, int status) {
    MalformedRequestException rejected =
        catchThrowableOfType(MalformedRequestException.class, () -> Wire.headOf(raw));

    assertThat(rejected).as("rejected").isNotNull();
    assertThat(rejected.status()).isEqualTo(status);
  }

  @Test
  void keepsLongHeaderNameApartFromContentLength() throws MalformedRequestException {
    String name = "Content-Length0" + "a".repeat(270);
    var decoded = Wire.decode(head("GET /_ping HTTP/1.1", "Host: d", name + ": 0"));
    HttpRequest request = (HttpRequest) decoded.get(0);

    assertThat(RequestHead.from(request).framing()).isEqualTo(NONE);
    assertThat(request.headers().get(name)).isEqualTo("0");
    assertThat(request.headers().contains("Content-Length")).isFalse();
    Wire.release(decoded);
  }

  @Test
  void rethrowsTheDecoderFailureOfAFailedRequest() {
    HttpRequest failed = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/_ping");
    failed.setDecoderResult(
        DecoderResult.failure(new MalformedRequestException(431, "header block too large")));

    MalformedRequestException rejected =
        catchThrowableOfType(MalformedRequestException.class, () -> RequestHead.from(failed));

    assertThat(rejected.status()).isEqualTo(431);
    assertThat(rejected.getMessage()).isEqualTo("header block too large");
  }

  @Test
  void quotesTheOffendingValueInTheMessage() {
    MalformedRequestException rejected =
        catchThrowableOfType(
            MalformedRequestException.class,
            () ->
                Wire.headOf(
                    head("POST /x HTTP/1.1", "Host: d", "Transfer-Encoding: gzip, chunked")));

    assertThat(rejected.getMessage())
        .isEqualTo("unsupported Transfer-Encoding: 'gzip, chunked' (a single 'chunked')");
  }

  private static Arguments row(Object... columns) {
    return Arguments.of(columns);
  }
}
