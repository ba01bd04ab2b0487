package dev.dockerfilter.policy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A raw query read the way the engine's Go server reads it, for query conditions: split on {@code
 * &}, names and values decoded once ({@code %XX}, {@code +} as a space), and the first occurrence
 * of a name wins, as {@code r.FormValue} does.
 *
 * <p>Example: {@code ?stream=0&stream=1&one-shot} has {@code stream} = {@code 0} and {@code
 * one-shot} = "" (present, empty).
 *
 * <p>A query the engine would read differently depending on its Go version, or not at all, is
 * {@linkplain #readable() unreadable}: a {@code ;} (a separator before Go 1.17, an error since) or
 * a malformed percent-escape. Every condition on an unreadable query is {@link Truth#UNKNOWN}.
 */
public final class QueryParameters {

  private static final QueryParameters EMPTY = new QueryParameters(Map.of(), true);

  private final Map<String, String> firstValues;
  private final boolean readable;

  private QueryParameters(Map<String, String> firstValues, boolean readable) {
    this.firstValues = firstValues;
    this.readable = readable;
  }

  /** Reads a raw query with or without its leading {@code ?}, e.g. {@code ?all=1&size=0}. */
  public static QueryParameters parse(String rawQuery) {
    String query = rawQuery.startsWith("?") ? rawQuery.substring(1) : rawQuery;
    if (query.isEmpty()) {
      return EMPTY;
    }
    if (query.indexOf(';') >= 0) {
      return new QueryParameters(Map.of(), false);
    }

    // "a=1&&b" -> a = "1", b = ""; empty pieces are skipped as Go skips them.
    Map<String, String> firstValues = new LinkedHashMap<>();
    for (String piece : query.split("&", -1)) {
      if (piece.isEmpty()) {
        continue;
      }
      int equals = piece.indexOf('=');
      Optional<String> name = decode(equals < 0 ? piece : piece.substring(0, equals));
      Optional<String> value = decode(equals < 0 ? "" : piece.substring(equals + 1));
      if (name.isEmpty() || value.isEmpty()) {
        return new QueryParameters(Map.of(), false);
      }
      firstValues.putIfAbsent(name.get(), value.get());
    }
    return new QueryParameters(firstValues, true);
  }

  public boolean readable() {
    return readable;
  }

  /** The first value of NAME, "" when it is present without one; empty when it is absent. */
  public Optional<String> first(String name) {
    return Optional.ofNullable(firstValues.get(name));
  }

  private static Optional<String> decode(String text) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '+') {
        bytes.write(' ');
      } else if (c != '%') {
        bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      } else {
        int high = i + 1 < text.length() ? hexValue(text.charAt(i + 1)) : -1;
        int low = i + 2 < text.length() ? hexValue(text.charAt(i + 2)) : -1;
        if (high < 0 || low < 0) {
          return Optional.empty();
        }
        bytes.write(high << 4 | low);
        i += 2;
      }
    }
    // Bytes that are not UTF-8 become U+FFFD: they can never equal a condition's value.
    return Optional.of(bytes.toString(StandardCharsets.UTF_8));
  }

  private static int hexValue(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
