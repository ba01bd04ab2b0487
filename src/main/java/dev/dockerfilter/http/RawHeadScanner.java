package dev.dockerfilter.http;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Checks the raw bytes of one request head as they arrive, before Netty parses them.
 *
 * <p>Example of a head it accepts: {@code GET /_ping HTTP/1.1\r\nHost: d\r\n\r\n}. Netty merges
 * obs-fold continuation lines into the previous header, splits the request line on any whitespace,
 * upper-cases the version and, for HTTP/1.0, folds duplicate Content-Length headers into one. This
 * scanner refuses all of those, and every bare CR, bare LF and control byte, so that the head Netty
 * parses is one that a strict RFC 9112 parser reads the same way.
 *
 * <p>The scanner never consumes bytes: the head's first byte stays at the buffer's reader index
 * until the head is complete, and offsets are counted from there. Not thread-safe; one per
 * connection.
 */
final class RawHeadScanner {
  private static final byte CR = '\r';
  private static final byte LF = '\n';
  private static final byte SP = ' ';
  private static final byte HTAB = '\t';
  private static final String CONTENT_LENGTH = "Content-Length";

  private final int maxInitialLineBytes;
  private final int maxHeaderBytes;

  private int scanned;
  private int lineStart;
  private int requestLineEnd = -1;
  private boolean previousWasCr;
  private int contentLengthLines;

  RawHeadScanner(int maxInitialLineBytes, int maxHeaderBytes) {
    this.maxInitialLineBytes = maxInitialLineBytes;
    this.maxHeaderBytes = maxHeaderBytes;
  }

  /**
   * Scans the bytes that arrived since the last call.
   *
   * @return the length of the complete head including its empty line, or -1 while incomplete
   */
  int scan(ByteBuf buffer) throws MalformedRequestException {
    int base = buffer.readerIndex();
    int available = buffer.readableBytes();
    for (; scanned < available; scanned++) {
      checkSize(buffer, base);
      byte b = buffer.getByte(base + scanned);

      // Lines end with CRLF only (RFC 9112 section 2.2): a lone CR or LF is where parsers disagree.
      if (b == LF && !previousWasCr) {
        throw reject(400, "bare LF in request head", buffer, base, "lines end with CRLF");
      }
      if (previousWasCr && b != LF) {
        throw reject(400, "bare CR in request head", buffer, base, "lines end with CRLF");
      }
      previousWasCr = b == CR;
      if (b == LF && endLine(buffer, base)) {
        return scanned + 1;
      }

      // Field values allow HTAB but no other control byte (RFC 9110 section 5.5).
      if ((b < 0x20 && b != HTAB && b != CR && b != LF) || b == 0x7F) {
        throw reject(400, "control byte in request head", buffer, base, "only HTAB, CR and LF");
      }
    }
    return -1;
  }

  /** Whether any byte of the current head has been seen. */
  boolean hasStarted() {
    return scanned > 0;
  }

  /** Forgets the current head; the next scan starts at the buffer's reader index. */
  void reset() {
    scanned = 0;
    lineStart = 0;
    requestLineEnd = -1;
    previousWasCr = false;
    contentLengthLines = 0;
  }

  private void checkSize(ByteBuf buffer, int base) throws MalformedRequestException {
    if (requestLineEnd < 0 && scanned >= maxInitialLineBytes) {
      throw reject(
          414,
          "request line too long",
          buffer,
          base,
          "at most " + maxInitialLineBytes + " bytes with its CRLF");
    }
    if (requestLineEnd >= 0 && scanned - requestLineEnd >= maxHeaderBytes) {
      throw reject(
          431,
          "header block too large",
          buffer,
          base,
          "at most " + maxHeaderBytes + " bytes of header lines");
    }
  }

  /** Checks the line that ends at the LF just scanned; true when it is the head's empty line. */
  private boolean endLine(ByteBuf buffer, int base) throws MalformedRequestException {
    int start = base + lineStart;
    int length = scanned - 1 - lineStart;
    if (requestLineEnd >= 0 && length == 0) {
      return true;
    }
    if (requestLineEnd >= 0) {
      checkHeaderLine(buffer, start, length);
    } else if (length > 0) {
      checkRequestLine(buffer, start, length);
      requestLineEnd = scanned + 1;
    }
    // Empty lines before the request line are skipped (RFC 9112 section 2.2), as Netty does.
    lineStart = scanned + 1;
    return false;
  }

  private void checkRequestLine(ByteBuf buffer, int start, int length)
      throws MalformedRequestException {
    // "GET /_ping HTTP/1.1": single SPs only (RFC 9112 section 3), as the engine's Go parser reads
    // it; Netty would also split on HTAB, VT, FF and runs of spaces.
    int firstSp = buffer.indexOf(start, start + length, SP);
    int secondSp = firstSp < 0 ? -1 : buffer.indexOf(firstSp + 1, start + length, SP);
    boolean wellFormed =
        firstSp > start
            && secondSp > firstSp + 1
            && buffer.indexOf(secondSp + 1, start + length, SP) < 0
            && buffer.indexOf(start, start + length, HTAB) < 0
            && isHttpVersion(buffer, secondSp + 1, start + length - secondSp - 1);
    if (!wellFormed) {
      throw new MalformedRequestException(
          400,
          "malformed request line: '"
              + WireText.quote(buffer, start, length)
              + "' (method SP request-target SP HTTP/x.y)");
    }
  }

  /** "HTTP/1.1": the name is case-sensitive (RFC 9112 section 2.3); Netty upper-cases it. */
  private static boolean isHttpVersion(ByteBuf buffer, int start, int length) {
    return length == 8
        && buffer.toString(start, 5, StandardCharsets.US_ASCII).equals("HTTP/")
        && isDigit(buffer.getByte(start + 5))
        && buffer.getByte(start + 6) == '.'
        && isDigit(buffer.getByte(start + 7));
  }

  private void checkHeaderLine(ByteBuf buffer, int start, int length)
      throws MalformedRequestException {
    // A line starting with whitespace is obs-fold, or whitespace before the first field: both must
    // be rejected (RFC 9112 sections 5.2 and 2.2). Netty would merge it into the previous value.
    byte first = buffer.getByte(start);
    if (first == SP || first == HTAB) {
      throw new MalformedRequestException(
          400,
          "header line starts with whitespace (obs-fold): '"
              + WireText.quote(buffer, start, length)
              + "' (one field per line, name first)");
    }

    // Netty folds duplicate Content-Length headers into one for HTTP/1.0, hiding them from later
    // checks; a second one is always an error here (RFC 9110 section 8.6, RFC 9112 section 6.3).
    int colon = buffer.indexOf(start, start + length, (byte) ':');
    if (colon - start == CONTENT_LENGTH.length()
        && buffer
            .toString(start, CONTENT_LENGTH.length(), StandardCharsets.US_ASCII)
            .equalsIgnoreCase(CONTENT_LENGTH)
        && ++contentLengthLines > 1) {
      throw new MalformedRequestException(
          400,
          "duplicate Content-Length header: '"
              + WireText.quote(buffer, start, length)
              + "' (at most one Content-Length)");
    }
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  private MalformedRequestException reject(
      int status, String what, ByteBuf buffer, int base, String expected) {
    int lineLength = Math.min(scanned + 1, buffer.readableBytes()) - lineStart;
    return new MalformedRequestException(
        status,
        what
            + ": '"
            + WireText.quote(buffer, base + lineStart, lineLength)
            + "' ("
            + expected
            + ")");
  }
}
