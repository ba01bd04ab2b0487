package dev.dockerfilter.http;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Turns client bytes into text that is safe to put in an error message or a log line.
 *
 * <p>Example: the bytes {@code /a<NUL>b} become {@code /a\x00b}; a 70000-byte header value becomes
 * its first 64 characters followed by {@code ...}.
 */
final class WireText {
  /** How many characters of client data an error message quotes before it truncates. */
  static final int MAX_QUOTED_CHARS = 64;

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private WireText() {}

  /** Escapes non-printable characters and backslashes, and truncates long values. */
  static String quote(CharSequence value) {
    int shown = Math.min(value.length(), MAX_QUOTED_CHARS);
    StringBuilder quoted = new StringBuilder(shown + 8);
    for (int i = 0; i < shown; i++) {
      appendEscaped(quoted, value.charAt(i));
    }
    if (value.length() > shown) {
      quoted.append("...");
    }
    return quoted.toString();
  }

  /** Like {@link #quote(CharSequence)} for raw bytes, read as ISO-8859-1 without copying more. */
  static String quote(ByteBuf bytes, int index, int length) {
    int shown = Math.min(length, MAX_QUOTED_CHARS);
    String head = bytes.toString(index, shown, StandardCharsets.ISO_8859_1);
    return length > shown ? quote(head) + "..." : quote(head);
  }

  private static void appendEscaped(StringBuilder quoted, char c) {
    if (c == '\\') {
      quoted.append("\\\\");
    } else if (c >= 0x20 && c <= 0x7E) {
      quoted.append(c);
    } else if (c <= 0xFF) {
      quoted.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xF]);
    } else {
      quoted.append("\\u").append(String.format("%04X", (int) c));
    }
  }
}
