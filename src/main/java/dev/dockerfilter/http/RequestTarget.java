package dev.dockerfilter.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A request target split into what the policy sees and what is forwarded.
 *
 * <p>Example: {@code /v1.41/containers/my%2Dapp/json?all=1} becomes apiVersion {@code 1.41}, path
 * {@code /containers/my-app/json} and rawQuery {@code ?all=1}.
 *
 * <p>The path is decoded exactly once, as the engine's Go router does, so {@code %2F} is a real
 * separator and {@code %252F} stays the three characters {@code %2F}. A target whose decoded path
 * the router would clean up or redirect ({@code //}, {@code .}, {@code ..}) is rejected rather than
 * guessed at.
 *
 * @param raw the target exactly as received
 * @param apiVersion the version of a leading {@code /vX.Y} prefix, or "" when there is none
 * @param path the canonical path without the version prefix: decoded once, always starting with "/"
 * @param rawQuery the query exactly as received including its leading "?", or "" when there was
 *     none
 */
public record RequestTarget(String raw, String apiVersion, String path, String rawQuery) {

  /** The engine's version prefix grammar, one path segment: {@code v1.41}. */
  private static final Pattern VERSION_SEGMENT = Pattern.compile("v[0-9]+\\.[0-9]+");

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  /** Validates the invariants that {@link #parse} guarantees. */
  public RequestTarget {
    Objects.requireNonNull(raw, "raw");
    Objects.requireNonNull(apiVersion, "apiVersion");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(rawQuery, "rawQuery");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException(
          "path must start with '/': '" + WireText.quote(path) + "'");
    }
    if (!rawQuery.isEmpty() && rawQuery.charAt(0) != '?') {
      throw new IllegalArgumentException(
          "rawQuery must be empty or start with '?': '" + WireText.quote(rawQuery) + "'");
    }
  }

  /** Parses and canonicalises an origin-form target, or rejects it with 400. */
  public static RequestTarget parse(String raw) throws MalformedRequestException {
    // Every byte printable ASCII: "/containers/json?all=1", never a space, DEL or UTF-8 byte.
    checkPrintableAscii(raw);

    // Origin form only (RFC 9112 section 3.2.1): no "http://h/x", "h:80" or "*".
    if (!raw.startsWith("/")) {
      throw reject("request target is not in origin form", raw, "a path starting with '/'");
    }

    // A fragment is never part of a request target (RFC 9112 section 3.2).
    if (raw.indexOf('#') >= 0) {
      throw reject("request target has a fragment", raw, "no '#'");
    }

    // "/containers/json?all=1" splits into "/containers/json" and "?all=1"; the query stays raw.
    int queryStart = raw.indexOf('?');
    String rawPath = queryStart < 0 ? raw : raw.substring(0, queryStart);
    String rawQuery = queryStart < 0 ? "" : raw.substring(queryStart);

    // Decode once, like the engine: "/%63ontainers" is "/containers", "%252F" is "%2F".
    String decoded = decodeOnce(rawPath, raw);
    checkCanonical(decoded, raw);

    return splitVersion(raw, decoded, rawQuery);
  }

  /** The target to send upstream: the re-encoded canonical path with its prefix, plus the query. */
  public String forwardTarget() {
    StringBuilder target = new StringBuilder(raw.length() + 16);
    if (!apiVersion.isEmpty()) {
      target.append("/v").append(apiVersion);
    }
    for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
      if (b == '/' || isPathByteKeptAsIs(b)) {
        target.append((char) b);
      } else {
        target.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
      }
    }
    return target.append(rawQuery).toString();
  }

  private static void checkPrintableAscii(String raw) throws MalformedRequestException {
    if (raw.isEmpty()) {
      throw reject("request target is empty", raw, "a path starting with '/'");
    }
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c <= 0x20 || c >= 0x7F) {
        throw reject("request target has a byte outside printable ASCII", raw, "0x21 to 0x7E only");
      }
    }
  }

  private static String decodeOnce(String rawPath, String raw) throws MalformedRequestException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(rawPath.length());
    for (int i = 0; i < rawPath.length(); i++) {
      char c = rawPath.charAt(i);
      if (c != '%') {
        bytes.write(c);
        continue;
      }
      int high = i + 1 < rawPath.length() ? hexValue(rawPath.charAt(i + 1)) : -1;
      int low = i + 2 < rawPath.length() ? hexValue(rawPath.charAt(i + 2)) : -1;
      if (high < 0 || low < 0) {
        throw reject("malformed percent-escape in path", raw, "'%' and two hex digits");
      }
      bytes.write(high << 4 | low);
      i += 2;
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw reject("path is not UTF-8 once decoded", raw, "percent-escapes of UTF-8 text");
    }
  }

  private static void checkCanonical(String decoded, String raw) throws MalformedRequestException {
    for (int i = 0; i < decoded.length(); i++) {
      char c = decoded.charAt(i);
      // Some routers and file APIs read '\' as a separator: refuse rather than guess.
      if (c == '\\') {
        throw reject("backslash in decoded path", raw, "no '\\' or %5C");
      }
      // NUL and other controls truncate or split paths in the engine's dependencies.
      if (c < 0x20 || c == 0x7F) {
        throw reject("control byte in decoded path", raw, "no %00-%1F or %7F");
      }
    }
    // The router cleans "//", "." and ".." with a 301 before any check (moby PR #30933).
    // The root "/" alone is clean: no route serves it, so the policy denies it (no 400).
    if (decoded.equals("/")) {
      return;
    }
    String[] segments = decoded.substring(1).split("/", -1);
    for (String segment : segments) {
      if (segment.isEmpty()) {
        throw reject("empty segment in decoded path", raw, "segments joined by a single '/'");
      }
      if (segment.equals(".") || segment.equals("..")) {
        throw reject("dot segment in decoded path", raw, "no '.' or '..' segment");
      }
    }
  }

  private static RequestTarget splitVersion(String raw, String decoded, String rawQuery) {
    // "/v1.41/_ping" is version 1.41 and path "/_ping"; "/v1.41" alone is an unversioned path.
    int secondSlash = decoded.indexOf('/', 1);
    if (secondSlash > 0 && VERSION_SEGMENT.matcher(decoded).region(1, secondSlash).matches()) {
      return new RequestTarget(
          raw, decoded.substring(2, secondSlash), decoded.substring(secondSlash), rawQuery);
    }
    return new RequestTarget(raw, "", decoded, rawQuery);
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

  /** RFC 3986 unreserved characters plus the sub-delims, ':' and '@' that a segment may hold. */
  private static boolean isPathByteKeptAsIs(byte b) {
    return (b >= 'a' && b <= 'z')
        || (b >= 'A' && b <= 'Z')
        || (b >= '0' && b <= '9')
        || "-._~!$&'()*+,;=:@".indexOf(b) >= 0;
  }

  private static MalformedRequestException reject(String what, String raw, String expected) {
    return new MalformedRequestException(
        400, what + ": '" + WireText.quote(raw) + "' (" + expected + ")");
  }
}
