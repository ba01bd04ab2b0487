package dev.dockerfilter.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class RequestTargetTest {

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      textBlock =
          """
          # raw target                      | apiVersion | path
          # C01: the version prefix is optional, once, and exactly v<digits>.<digits>
          /containers/json                  | ""         | /containers/json
          /v1.41/containers/json            | 1.41       | /containers/json
          /v1.41/v1.41/containers/json      | 1.41       | /v1.41/containers/json
          /v1/containers/json               | ""         | /v1/containers/json
          /vX.Y/containers/json             | ""         | /vX.Y/containers/json
          /v1.41.2/containers/json          | ""         | /v1.41.2/containers/json
          /V1.41/containers/json            | ""         | /V1.41/containers/json
          /v01.041/_ping                    | 01.041     | /_ping
          /v1.41                            | ""         | /v1.41
          /_ping                            | ""         | /_ping
          /                                 | ""         | /
          /v1.41/_ping                      | 1.41       | /_ping
          # C02: libpod and unknown segments are plain path segments, for the policy to deny
          /v4.6.1/libpod/_ping              | ""         | /v4.6.1/libpod/_ping
          /v1.41/anything/containers/json   | 1.41       | /anything/containers/json
          # C06: decoded once; %2F is a real separator, %252F the literal text "%2F"
          /v1.41/containers/abc%2Fexport    | 1.41       | /containers/abc/export
          /v1.41/containers/abc%2farchive   | 1.41       | /containers/abc/archive
          /v1.41/%63ontainers/json          | 1.41       | /containers/json
          /v1.41/containers/abc%252Fexport  | 1.41       | /containers/abc%2Fexport
          /containers/abc%252Fexport        | ""         | /containers/abc%2Fexport
          /%761.41/_ping                    | 1.41       | /_ping
          /v1.41%2Fcontainers/json          | 1.41       | /containers/json
          # Decoded characters that are special on the wire stay in the path
          /containers/my%2Dapp/json         | ""         | /containers/my-app/json
          /containers/a%3Fb/json            | ""         | /containers/a?b/json
          /containers/a%23b/json            | ""         | /containers/a#b/json
          /containers/a%20b/json            | ""         | /containers/a b/json
          /containers/100%25/json           | ""         | /containers/100%/json
          /images/caf%C3%A9/json            | ""         | /images/café/json
          /images/{x}^y/json                | ""         | /images/{x}^y/json
          # Accepted oddities: sub-delims, ':' and '@' stay; "..." and "abc." are no dot segments
          /images/localtest/busybox/json    | ""         | /images/localtest/busybox/json
          /images/reg:5000/a@sha256:ab/json | ""         | /images/reg:5000/a@sha256:ab/json
          /containers/a;b=c,d!$&'()*+/json  | ""         | /containers/a;b=c,d!$&'()*+/json
          /containers/.../json              | ""         | /containers/.../json
          /containers/abc%2e/json           | ""         | /containers/abc./json
          """)
  void parsesOriginFormTarget(String raw, String apiVersion, String path)
      throws MalformedRequestException {
    RequestTarget target = RequestTarget.parse(raw);

    assertThat(target.raw()).isEqualTo(raw);
    assertThat(target.apiVersion()).isEqualTo(apiVersion);
    assertThat(target.path()).isEqualTo(path);
    assertThat(target.rawQuery()).isEmpty();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      textBlock =
          """
          # raw target                      | forwardTarget: canonical path re-encoded once
          /containers/json                  | /containers/json
          /v1.41/v1.41/containers/json      | /v1.41/v1.41/containers/json
          /v1.41/containers/abc%2Fexport    | /v1.41/containers/abc/export
          /v1.41/%63ontainers/json          | /v1.41/containers/json
          /v1.41/containers/abc%252Fexport  | /v1.41/containers/abc%252Fexport
          /containers/abc%252Fexport        | /containers/abc%252Fexport
          /%761.41/_ping                    | /v1.41/_ping
          /v1.41%2Fcontainers/json          | /v1.41/containers/json
          /containers/my%2Dapp/json         | /containers/my-app/json
          /containers/a%3Fb/json            | /containers/a%3Fb/json
          /containers/a%23b/json            | /containers/a%23b/json
          /containers/a%20b/json            | /containers/a%20b/json
          /containers/100%25/json           | /containers/100%25/json
          /images/caf%C3%A9/json            | /images/caf%C3%A9/json
          /images/caf%c3%a9/json            | /images/caf%C3%A9/json
          /images/{x}^y/json                | /images/%7Bx%7D%5Ey/json
          /images/reg:5000/a@sha256:ab/json | /images/reg:5000/a@sha256:ab/json
          /containers/a;b=c,d!$&'()*+/json  | /containers/a;b=c,d!$&'()*+/json
          /containers/.../json              | /containers/.../json
          """)
  void forwardsCanonicalTarget(String raw, String forwardTarget) throws MalformedRequestException {
    assertThat(RequestTarget.parse(raw).forwardTarget()).isEqualTo(forwardTarget);
  }

  static Stream<Arguments> targetsWithQueries() {
    // C03: the query never reaches the policy and is forwarded byte for byte, never decoded.
    String filters = "?all=1&filters=%7B%22status%22%3A%5B%22running%22%5D%7D";
    String python = "?filters=%7B%22label%22%3A+%5B%22x%22%5D%7D";
    return Stream.of(
        Arguments.of("/v1.41/containers/abc/export?x=/json", "/containers/abc/export", "?x=/json"),
        Arguments.of(
            "/v1.41/containers/abc/archive?path=/etc&y=/containers/json",
            "/containers/abc/archive",
            "?path=/etc&y=/containers/json"),
        Arguments.of("/v1.41/containers/json" + filters, "/containers/json", filters),
        Arguments.of("/containers/json" + python, "/containers/json", python),
        Arguments.of(
            "/containers/json?all=1&filters=%7B%22a%22%7D",
            "/containers/json", "?all=1&filters=%7B%22a%22%7D"),
        Arguments.of(
            "/v1.41/libpod/containers/abc/archive?path=/",
            "/libpod/containers/abc/archive",
            "?path=/"),
        // Accepted oddities: malformed escapes, '?', '/' and ".." in the query, a bare '?'
        Arguments.of("/containers/json?a=%zz&b=%", "/containers/json", "?a=%zz&b=%"),
        Arguments.of("/containers/json?a=b?c/../d", "/containers/json", "?a=b?c/../d"),
        Arguments.of("/_ping?", "/_ping", "?"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("targetsWithQueries")
  void keepsQueryByteForByte(String raw, String path, String rawQuery)
      throws MalformedRequestException {
    RequestTarget target = RequestTarget.parse(raw);

    assertThat(target.path()).isEqualTo(path);
    assertThat(target.rawQuery()).isEqualTo(rawQuery);
    assertThat(target.forwardTarget()).isEqualTo(raw);
  }

  @Test
  void forwardsQueryAfterReencodedPath() throws MalformedRequestException {
    RequestTarget target = RequestTarget.parse("/v1.41/containers/abc%2farchive?path=%2Fetc");

    assertThat(target.path()).isEqualTo("/containers/abc/archive");
    assertThat(target.rawQuery()).isEqualTo("?path=%2Fetc");
    assertThat(target.forwardTarget()).isEqualTo("/v1.41/containers/abc/archive?path=%2Fetc");
  }

  static Stream<Arguments> rejectedTargets() {
    return Stream.of(
        // Not origin form (RFC 9112 section 3.2)
        Arguments.of("", "request target is empty"),
        Arguments.of("*", "not in origin form"),
        Arguments.of("http://docker/v1.41/containers/json", "not in origin form"),
        Arguments.of("docker:2375", "not in origin form"),
        Arguments.of("containers/json", "not in origin form"),
        Arguments.of("/containers/json#x", "fragment"),
        Arguments.of("/containers/json?all=1#x", "fragment"),
        // Bytes outside printable ASCII, in the path or the query
        Arguments.of("/containers/a b", "outside printable ASCII"),
        Arguments.of("/containers/a\tb", "outside printable ASCII"),
        Arguments.of("/containers/a\u0000b", "outside printable ASCII"),
        Arguments.of("/containers/a\u007Fb", "outside printable ASCII"),
        Arguments.of("/images/caf\u00E9/json", "outside printable ASCII"),
        Arguments.of("/containers/json?a=\u0001", "outside printable ASCII"),
        Arguments.of("/containers/json?a=b c", "outside printable ASCII"),
        // Empty segments, including the root and a trailing slash
        Arguments.of("//containers/json", "empty segment"),
        Arguments.of("/containers//json", "empty segment"),
        Arguments.of("/containers/json/", "empty segment"),
        Arguments.of("/v1.41/", "empty segment"),
        Arguments.of("/v1.41//containers/json", "empty segment"),
        Arguments.of("/%2F", "empty segment"),
        Arguments.of("/containers/abc%2F%2Fjson", "empty segment"),
        Arguments.of("/v1.41/%2fcontainers/json", "empty segment"),
        // C04: dot segments, raw or encoded
        Arguments.of("/v1.41/containers/json/../abc/export", "dot segment"),
        Arguments.of("/v1.41/containers/json/%2e%2e/abc/export", "dot segment"),
        Arguments.of("/v1.41/containers/./json", "dot segment"),
        Arguments.of("/v1.41/containers/%2E/json", "dot segment"),
        Arguments.of("/containers/abc%2F..%2Fexport", "dot segment"),
        Arguments.of("/..", "dot segment"),
        Arguments.of("/.", "dot segment"),
        // C06: backslash and NUL or other control bytes once decoded
        Arguments.of("/v1.41/containers/abc%5C..%5Cexport", "backslash"),
        Arguments.of("/containers/abc%5C..%5Cexport", "backslash"),
        Arguments.of("/containers/abc\\export", "backslash"),
        Arguments.of("/v1.41/containers/abc%00/json", "control byte"),
        Arguments.of("/containers/abc%00/json", "control byte"),
        Arguments.of("/containers/a%0D%0AHost:%20x/json", "control byte"),
        Arguments.of("/containers/a%09b/json", "control byte"),
        Arguments.of("/containers/a%7Fb/json", "control byte"),
        // Malformed percent-escapes
        Arguments.of("/containers/%", "malformed percent-escape"),
        Arguments.of("/containers/%4", "malformed percent-escape"),
        Arguments.of("/containers/%zz/json", "malformed percent-escape"),
        Arguments.of("/containers/%4g/json", "malformed percent-escape"),
        Arguments.of("/containers/%%41/json", "malformed percent-escape"),
        // Decoded bytes that are not UTF-8: invalid, truncated, overlong '/', surrogate
        Arguments.of("/containers/%FF/json", "not UTF-8"),
        Arguments.of("/containers/%C3/json", "not UTF-8"),
        Arguments.of("/containers/%C0%AF/json", "not UTF-8"),
        Arguments.of("/containers/%ED%A0%80/json", "not UTF-8"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("rejectedTargets")
  void rejectsTarget(String raw, String reason) {
    MalformedRequestException rejected =
        catchThrowableOfType(MalformedRequestException.class, () -> RequestTarget.parse(raw));

    assertThat(rejected).as("rejected").isNotNull();
    assertThat(rejected.status()).isEqualTo(400);
    assertThat(rejected.getMessage()).contains(reason);
  }

  @Test
  void quotesRejectedTargetEscapedAndTruncated() {
    String raw = "/containers/a\u0000b/" + "x".repeat(200);

    MalformedRequestException rejected =
        catchThrowableOfType(MalformedRequestException.class, () -> RequestTarget.parse(raw));

    assertThat(rejected.getMessage())
        .startsWith("request target has a byte outside printable ASCII: '/containers/a\\x00b/xxx")
        .contains("...'")
        .doesNotContain("\u0000")
        .hasSizeLessThan(160);
  }

  @Test
  void forwardTargetParsesBackToTheSameTarget() throws MalformedRequestException {
    Random random = new Random(20240611L);
    List<String> accepted = new ArrayList<>();

    for (int i = 0; i < 20_000; i++) {
      String raw = randomTarget(random);
      try {
        accepted.add(RequestTarget.parse(raw).raw());
      } catch (MalformedRequestException e) {
        assertThat(e.status()).isEqualTo(400);
      }
    }

    assertThat(accepted).as("enough generated targets parse").hasSizeGreaterThan(2_000);
    for (String raw : accepted) {
      RequestTarget target = RequestTarget.parse(raw);
      RequestTarget reparsed = RequestTarget.parse(target.forwardTarget());

      assertThat(reparsed.apiVersion()).as(raw).isEqualTo(target.apiVersion());
      assertThat(reparsed.path()).as(raw).isEqualTo(target.path());
      assertThat(reparsed.rawQuery()).as(raw).isEqualTo(target.rawQuery());
      assertThat(reparsed.forwardTarget()).as(raw).isEqualTo(target.forwardTarget());
    }
  }

  private static final String[] SEGMENT_PIECES = {
    "a",
    "Z",
    "0",
    "json",
    "-",
    "_",
    "~",
    ".",
    "..",
    "!",
    "$",
    "&",
    "'",
    "(",
    ")",
    "*",
    "+",
    ",",
    ";",
    "=",
    ":",
    "@",
    "{",
    "}",
    "|",
    "^",
    "`",
    "\"",
    "<",
    ">",
    "[",
    "]",
    "%2F",
    "%2f",
    "%25",
    "%252F",
    "%3F",
    "%23",
    "%20",
    "%2e",
    "%2E%2E",
    "%5C",
    "%00",
    "%7F",
    "%C3%A9",
    "%E2%82%AC",
    "%F0%9F%90%B3",
    "%FF",
    "%",
    "%4",
    "v1.41",
    "%761.41",
    "v1",
    "\\"
  };

  private static final String[] QUERY_PIECES = {
    "a", "=", "&", "?", "/", "..", "%zz", "%2F", "+", "%7B%22a%22%7D", ";", "#"
  };

  private static String randomTarget(Random random) {
    StringBuilder raw = new StringBuilder();
    if (random.nextInt(3) == 0) {
      raw.append(random.nextBoolean() ? "/v1.41" : "/%761.41");
    }
    int segments = 1 + random.nextInt(4);
    for (int s = 0; s < segments; s++) {
      raw.append('/');
      int pieces = 1 + random.nextInt(3);
      for (int p = 0; p < pieces; p++) {
        raw.append(SEGMENT_PIECES[random.nextInt(SEGMENT_PIECES.length)]);
      }
    }
    if (random.nextInt(3) == 0) {
      raw.append('?');
      for (int p = random.nextInt(4); p > 0; p--) {
        raw.append(QUERY_PIECES[random.nextInt(QUERY_PIECES.length)]);
      }
    }
    return raw.toString();
  }
}
