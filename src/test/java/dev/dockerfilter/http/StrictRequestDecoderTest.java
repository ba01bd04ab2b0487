package dev.dockerfilter.http;

import static dev.dockerfilter.http.Wire.head;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One test per attack, on raw CRLF bytes fed to a real decoder in an EmbeddedChannel. */
class StrictRequestDecoderTest {
  private static final String EXPORT = head("GET /v1.41/containers/abc/export HTTP/1.1", "Host: d");

  private final StrictRequestDecoder decoder = new StrictRequestDecoder();
  private final EmbeddedChannel channel = Wire.channel(decoder);
  private List<Object> decoded = List.of();

  @AfterEach
  void releaseDecoded() {
    Wire.release(decoded);
    channel.finishAndReleaseAll();
  }

  // Header block framing the raw pre-scan catches before Netty parses it

  @Test
  void rejectsObsFoldContinuationLine() {
    decoded = Wire.feed(channel, head("GET /_ping HTTP/1.1", "Host: d", " Content-Length: 5"));

    assertOnlyReject(400, "obs-fold");
  }

  @Test
  void rejectsTabFoldedContinuationLine() {
    decoded = Wire.feed(channel, head("GET /_ping HTTP/1.1", "X-A: 1", "\tContent-Length: 5"));

    assertOnlyReject(400, "obs-fold");
  }

  @Test
  void rejectsWhitespaceBeforeFirstHeader() {
    decoded = Wire.feed(channel, head("GET /_ping HTTP/1.1", " Host: d"));

    assertOnlyReject(400, "obs-fold");
  }

  @Test
  void rejectsBareLf() {
    decoded = Wire.feed(channel, "GET /_ping HTTP/1.1\r\nHost: d\nX: y\r\n\r\n");

    assertOnlyReject(400, "bare LF");
  }

  @Test
  void rejectsBareLfBeforeRequestLine() {
    decoded = Wire.feed(channel, "\n" + head("GET /_ping HTTP/1.1", "Host: d"));

    assertOnlyReject(400, "bare LF");
  }

  @Test
  void rejectsBareCr() {
    decoded = Wire.feed(channel, "GET /_ping HTTP/1.1\r\nHost: d\rX: y\r\n\r\n");

    assertOnlyReject(400, "bare CR");
  }

  @Test
  void rejectsBareCrSplitAcrossReads() {
    decoded = Wire.feed(channel, "GET /_ping HTTP/1.1\r\nHost: d\r", "X: y\r\n\r\n");

    assertOnlyReject(400, "bare CR");
  }

  @Test
  void rejectsNulInHeaderValue() {
    decoded = Wire.feed(channel, head("GET /_ping HTTP/1.1", "Host: d\u0000.evil"));

    assertOnlyReject(400, "control byte in request head: 'Host: d\\x00'");
  }

  @Test
  void rejectsVerticalTabInHeaderValue() {
    decoded = Wire.feed(channel, head("GET /_ping HTTP/1.1", "Host: d", "X: a\u000Bb"));

    assertOnlyReject(400, "control byte");
  }

  @Test
  void rejectsDelInRequestLine() {
    decoded = Wire.feed(channel, head("GET /_ping\u007F HTTP/1.1", "Host: d"));

    assertOnlyReject(400, "control byte");
  }

  // Request line shapes Netty reads leniently

  @Test
  void rejectsTabSeparatedRequestLine() {
    decoded = Wire.feed(channel, head("GET\t/_ping\tHTTP/1.1", "Host: d"));

    assertOnlyReject(400, "malformed request line: 'GET\\x09/_ping\\x09HTTP/1.1'");
  }

  @Test
  void rejectsDoubleSpaceInRequestLine() {
    decoded = Wire.feed(channel, head("GET  /_ping HTTP/1.1", "Host: d"));

    assertOnlyReject(400, "malformed request line");
  }

  @Test
  void rejectsExtraWordInRequestLine() {
    decoded = Wire.feed(channel, head("GET /_ping /x HTTP/1.1", "Host: d"));

    assertOnlyReject(400, "malformed request line");
  }

  @Test
  void rejectsLowerCaseHttpVersion() {
    decoded = Wire.feed(channel, head("GET /_ping http/1.1", "Host: d"));

    assertOnlyReject(400, "malformed request line");
  }

  // Size limits

  @Test
  void rejectsOversizedHeaderBlockWith431() {
    decoded = Wire.feed(channel, head("GET /_ping HTTP/1.1", "Host: d", "X: " + "a".repeat(70000)));

    assertOnlyReject(431, "header block too large");
  }

  @Test
  void rejectsOversizedHeaderBlockBeforeItEnds() {
    decoded = Wire.feed(channel, "GET /_ping HTTP/1.1\r\nHost: d\r\nX: " + "a".repeat(20000));

    assertOnlyReject(431, "(at most 16384 bytes of header lines)");
  }

  @Test
  void rejectsOversizedRequestLineWith414() {
    decoded = Wire.feed(channel, "GET /" + "a".repeat(9000));

    assertOnlyReject(414, "request line too long: 'GET /aaaa");
  }

  @Test
  void rejectsEndlessEmptyLinesBeforeRequestLineWith414() {
    decoded = Wire.feed(channel, "\r\n".repeat(5000));

    assertOnlyReject(414, "request line too long");
  }

  @Test
  void acceptsHeadExactlyAtBothLimits() {
    String requestLine = "GET /" + "a".repeat(16) + " HTTP/1.1\r\n"; // 32 bytes
    String headerLines = "Host: d\r\nX: " + "b".repeat(16) + "\r\n\r\n"; // 32 bytes
    String longerLine = requestLine.replace("/a", "/aa");
    String longerHeaders = headerLines.replace("X: ", "X: b");

    decoded = Wire.feed(Wire.channel(new StrictRequestDecoder(32, 32)), requestLine + headerLines);
    List<Object> tooLongLine =
        Wire.feed(Wire.channel(new StrictRequestDecoder(32, 32)), longerLine + headerLines);
    List<Object> tooLongHeaders =
        Wire.feed(Wire.channel(new StrictRequestDecoder(32, 32)), requestLine + longerHeaders);

    assertThat(decoded).hasSize(2).first().isInstanceOf(HttpRequest.class);
    assertThat(((HttpRequest) decoded.get(0)).decoderResult().isSuccess()).isTrue();
    assertThat(tooLongLine).singleElement().extracting(Wire::rejectStatus).isEqualTo(414);
    assertThat(tooLongHeaders).singleElement().extracting(Wire::rejectStatus).isEqualTo(431);
  }

  // Framing: what Netty or RequestHead must refuse (C14, C15)

  @Test
  void rejectsContentLengthWithTransferEncoding() {
    decoded =
        Wire.feed(
            channel,
            head(
                    "GET /_ping HTTP/1.1",
                    "Host: d",
                    "Content-Length: 4",
                    "Transfer-Encoding: chunked")
                + "0\r\n\r\n"
                + EXPORT);

    assertOnlyReject(400, "malformed request head");
  }

  @Test
  void rejectsEmptyContentLengthBeforeRealOne() {
    decoded =
        Wire.feed(
            channel,
            head("GET /_ping HTTP/1.1", "Host: d", "Content-Length:", "Content-Length: 45")
                + "GET /v1.41/containers/abc/export HTTP/1.1\r\n\r\n");

    assertOnlyReject(400, "duplicate Content-Length header: 'Content-Length: 45'");
  }

  @Test
  void rejectsDuplicateContentLength() {
    decoded =
        Wire.feed(
            channel,
            head("GET /_ping HTTP/1.1", "Host: d", "Content-Length: 0", "Content-Length: 45")
                + "GET /v1.41/containers/abc/export HTTP/1.1\r\n\r\n");

    assertOnlyReject(400, "duplicate Content-Length");
  }

  @Test
  void rejectsDuplicateContentLengthOnHttp10() {
    // Netty merges these two into one "Content-Length: 0" for HTTP/1.0.
    decoded =
        Wire.feed(channel, head("GET /_ping HTTP/1.0", "Content-Length: 0", "content-length: 0"));

    assertOnlyReject(400, "duplicate Content-Length");
  }

  @Test
  void rejectsListValuedContentLength() {
    decoded = Wire.feed(channel, head("GET /_ping HTTP/1.1", "Host: d", "Content-Length: 0, 41"));

    assertOnlyReject(400, "malformed request head");
  }

  @Test
  void rejectsSignedContentLength() {
    decoded = Wire.feed(channel, head("GET /_ping HTTP/1.1", "Host: d", "Content-Length: +0"));

    assertOnlyReject(400, "malformed request head");
  }

  @Test
  void rejectsWhitespaceBeforeColon() {
    decoded =
        Wire.feed(
            channel,
            head("GET /_ping HTTP/1.1", "Host: d", "Transfer-Encoding : chunked") + "0\r\n\r\n");

    assertOnlyReject(400, "malformed request head");
  }

  @Test
  void rejectsXchunked() {
    decoded =
        Wire.feed(channel, head("GET /_ping HTTP/1.1", "Host: d", "Transfer-Encoding: xchunked"));

    assertOnlyReject(400, "malformed request head");
  }

  @Test
  void rejectsChunkedThenIdentity() {
    decoded =
        Wire.feed(
            channel,
            head("GET /_ping HTTP/1.1", "Host: d", "Transfer-Encoding: chunked, identity")
                + "0\r\n\r\n");

    assertOnlyReject(400, "malformed request head");
  }

  @Test
  void rejectsGzipThenChunkedInRequestHead() {
    // Netty accepts a chunked-last list; RequestHead refuses anything but a lone chunked.
    decoded =
        Wire.feed(
            channel,
            head("POST /x HTTP/1.1", "Host: d", "Transfer-Encoding: gzip, chunked") + "0\r\n\r\n");

    MalformedRequestException rejected =
        catchThrowableOfType(
            MalformedRequestException.class, () -> RequestHead.from((HttpRequest) decoded.get(0)));
    assertThat(rejected.status()).isEqualTo(400);
    assertThat(rejected.getMessage()).startsWith("unsupported Transfer-Encoding");
  }

  @Test
  void rejectsBodyOnGetInRequestHead() {
    decoded =
        Wire.feed(channel, head("GET /_ping HTTP/1.1", "Host: d", "Content-Length: 5") + "hello");

    MalformedRequestException rejected =
        catchThrowableOfType(
            MalformedRequestException.class, () -> RequestHead.from((HttpRequest) decoded.get(0)));
    assertThat(rejected.status()).isEqualTo(400);
    assertThat(rejected.getMessage()).startsWith("body on GET");
  }

  @Test
  void rejectsHixieWebSocketKeysThatNettyWouldReadAsBody() {
    // Netty gives this GET an 8-byte body; RFC 9112 and the engine give it none.
    decoded =
        Wire.feed(
            channel,
            head("GET /_ping HTTP/1.1", "Host: d", "Sec-WebSocket-Key1: 1", "Sec-WebSocket-Key2: 2")
                + "DELETE /containers/abc HTTP/1.1\r\nHost: d\r\n\r\n");

    assertOnlyReject(400, "Sec-WebSocket-Key1");
  }

  @Test
  void translatesNettyChunkErrorToMalformedRequest() {
    decoded =
        Wire.feed(
            channel,
            head("POST /x HTTP/1.1", "Host: d", "Transfer-Encoding: chunked") + "zz\r\n" + EXPORT);

    assertThat(decoded).hasSize(2);
    assertThat(((HttpRequest) decoded.get(0)).decoderResult().isSuccess()).isTrue();
    assertThat(decoded.get(1)).isInstanceOf(LastHttpContent.class);
    assertThat(Wire.rejectStatus(decoded.get(1))).isEqualTo(400);
    assertThat(cause(decoded.get(1)).getMessage()).startsWith("malformed chunked body");
  }

  @Test
  void translatesNettyRequestLineErrorToMalformedRequest() {
    decoded = Wire.feed(channel, head("G(T /_ping HTTP/1.1", "Host: d") + EXPORT);

    assertOnlyReject(400, "malformed request head");
  }

  // Message boundaries: every request on a connection is decoded and checked on its own

  @Test
  void parsesRequestPipelinedAfterZeroContentLength() throws MalformedRequestException {
    decoded =
        Wire.feed(
            channel,
            head("GET /_ping HTTP/1.1", "Host: d", "Content-Length: 0")
                + head(
                    "POST /v1.41/containers/create HTTP/1.1",
                    "Host: d",
                    "Content-Type: application/json",
                    "Content-Length: 18")
                + "{\"Image\":\"alpine\"}");

    assertThat(decoded).hasSize(4);
    assertThat(RequestHead.from((HttpRequest) decoded.get(0)).target().path()).isEqualTo("/_ping");
    assertThat(decoded.get(1)).isInstanceOf(LastHttpContent.class);
    assertThat(Wire.text(decoded.get(1))).isEmpty();
    RequestHead second = RequestHead.from((HttpRequest) decoded.get(2));
    assertThat(second.method()).isEqualTo("POST");
    assertThat(second.target().path()).isEqualTo("/containers/create");
    assertThat(decoded.get(3)).isInstanceOf(LastHttpContent.class);
    assertThat(Wire.text(decoded.get(3))).isEqualTo("{\"Image\":\"alpine\"}");
  }

  @Test
  void checksEverySecondPipelinedRequest() {
    decoded =
        Wire.feed(
            channel,
            head("GET /_ping HTTP/1.1", "Host: d")
                + head("GET /_ping HTTP/1.1", "Host: d", " Transfer-Encoding: chunked"));

    assertThat(decoded).hasSize(3);
    assertThat(((HttpRequest) decoded.get(0)).decoderResult().isSuccess()).isTrue();
    assertThat(decoded.get(1)).isInstanceOf(LastHttpContent.class);
    assertThat(Wire.rejectStatus(decoded.get(2))).isEqualTo(400);
    assertThat(cause(decoded.get(2)).getMessage()).contains("obs-fold");
  }

  @Test
  void checksRequestPipelinedAfterFixedLengthBody() {
    decoded =
        Wire.feed(
            channel,
            head("POST /x HTTP/1.1", "Host: d", "Content-Length: 3") + "abc",
            "GET /_ping HTTP/1.1\r\nHost: d\nX: y\r\n\r\n");

    assertThat(decoded).hasSize(3);
    assertThat(Wire.text(decoded.get(1))).isEqualTo("abc");
    assertThat(Wire.rejectStatus(decoded.get(2))).isEqualTo(400);
  }

  @Test
  void checksRequestPipelinedAfterChunkedBody() {
    decoded =
        Wire.feed(
            channel,
            head("POST /x HTTP/1.1", "Host: d", "Transfer-Encoding: chunked")
                + "3\r\nabc\r\n0\r\n\r\n"
                + head("GET /_ping HTTP/1.1", "Host: d", "\tX: y"));

    assertThat(decoded).hasSize(4);
    assertThat(Wire.text(decoded.get(1))).isEqualTo("abc");
    assertThat(decoded.get(2)).isInstanceOf(LastHttpContent.class);
    assertThat(Wire.rejectStatus(decoded.get(3))).isEqualTo(400);
  }

  @Test
  void discardsEverythingAfterAReject() {
    decoded =
        Wire.feed(
            channel,
            head("GET /_ping HTTP/1.1", "Host: d", " X: y") + EXPORT,
            EXPORT,
            head("GET /_ping HTTP/1.1", "Host: d"));

    assertOnlyReject(400, "obs-fold");
    assertThat(decoder.isReadingHead()).isFalse();
    assertThat(channel.finish()).as("nothing more is emitted at close").isFalse();
  }

  @Test
  void discardsEverythingAfterANettyReject() {
    decoded =
        Wire.feed(channel, head("GET /_ping HTTP/1.1", "Host: d", "Content-Length: +0") + EXPORT);
    List<Object> later = Wire.feed(channel, EXPORT);

    assertOnlyReject(400, "malformed request head");
    assertThat(later).isEmpty();
  }

  @Test
  void acceptsLongHeaderNameAsPlainHeader() throws MalformedRequestException {
    // C15 line 6, pinned: kept as an unrelated header, never read as Content-Length, so the
    // next request starts right after the head.
    String name = "Content-Length0" + "a".repeat(270);
    decoded = Wire.feed(channel, head("GET /_ping HTTP/1.1", "Host: d", name + ": 0") + EXPORT);

    assertThat(decoded).hasSize(4);
    HttpRequest first = (HttpRequest) decoded.get(0);
    assertThat(first.headers().get(name)).isEqualTo("0");
    assertThat(first.headers().contains("Content-Length")).isFalse();
    assertThat(RequestHead.from(first).framing()).isEqualTo(BodyFraming.NONE);
    assertThat(RequestHead.from((HttpRequest) decoded.get(2)).target().path())
        .isEqualTo("/containers/abc/export");
  }

  @Test
  void checksHeadAfterResetForRefusedExpectation() {
    // After a refused "Expect: 100-continue" the proxy resets the decoder: the bytes that follow
    // are a new head and get the same raw check.
    decoded =
        Wire.feed(
            channel,
            head("POST /x HTTP/1.1", "Host: d", "Expect: 100-continue", "Content-Length: 40"));
    decoder.reset();
    List<Object> next = Wire.feed(channel, head("GET /_ping HTTP/1.1", "Host: d", " X: y"));

    assertThat(decoded).singleElement().isInstanceOf(HttpRequest.class);
    assertThat(next).singleElement().extracting(Wire::rejectStatus).isEqualTo(400);
  }

  // Reading progress

  @Test
  void isReadingHeadWhileHeaderIncomplete() {
    assertThat(decoder.isReadingHead()).as("fresh connection").isFalse();

    Wire.feed(channel, "GET /_pi");
    assertThat(decoder.isReadingHead()).as("part of the request line").isTrue();

    Wire.feed(channel, "ng HTTP/1.1\r\nHost: d\r\n");
    assertThat(decoder.isReadingHead()).as("headers without the empty line").isTrue();

    decoded = Wire.feed(channel, "\r\n");
    assertThat(decoder.isReadingHead()).as("whole request").isFalse();

    Wire.release(Wire.feed(channel, head("POST /x HTTP/1.1", "Host: d", "Content-Length: 4")));
    assertThat(decoder.isReadingHead()).as("waiting for a body").isFalse();

    Wire.release(Wire.feed(channel, "abcd\r"));
    assertThat(decoder.isReadingHead()).as("an empty line's CR of the next head").isTrue();
  }

  @Test
  void decodesHeadDeliveredOneByteAtATime() throws MalformedRequestException {
    String raw = head("GET /v1.41/containers/json?all=1 HTTP/1.1", "Host: d", "Accept: */*");

    for (int i = 0; i < raw.length() - 1; i++) {
      assertThat(Wire.feed(channel, raw.substring(i, i + 1))).isEmpty();
    }
    decoded = Wire.feed(channel, raw.substring(raw.length() - 1));

    assertThat(decoded).hasSize(2);
    assertThat(RequestHead.from((HttpRequest) decoded.get(0)).target().forwardTarget())
        .isEqualTo("/v1.41/containers/json?all=1");
  }

  @Test
  void emitsNothingWhenConnectionClosesMidHead() {
    decoded = Wire.feed(channel, "GET /_ping HTTP/1.1\r\nHost: d\r\n");

    assertThat(decoded).isEmpty();
    assertThat(channel.finish()).as("nothing emitted at close").isFalse();
  }

  private void assertOnlyReject(int status, String messagePart) {
    assertThat(decoded).as("decoded objects").singleElement().isInstanceOf(HttpRequest.class);
    assertThat(Wire.rejectStatus(decoded.get(0))).isEqualTo(status);
    assertThat(cause(decoded.get(0)).getMessage()).contains(messagePart);
  }

  private static Throwable cause(Object decoded) {
    return ((DecoderResultProvider) decoded).decoderResult().cause();
  }
}
