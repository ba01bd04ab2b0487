package dev.dockerfilter.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WireTextTest {

  static Stream<Arguments> quotedValues() {
    return Stream.of(
        Arguments.of("/containers/json", "/containers/json"),
        Arguments.of("a\u0000b", "a\\x00b"),
        Arguments.of("a\r\nb\tc", "a\\x0D\\x0Ab\\x09c"),
        Arguments.of("del\u007F", "del\\x7F"),
        Arguments.of("caf\u00E9", "caf\\xE9"),
        Arguments.of("snow\u2603", "snow\\u2603"),
        Arguments.of("a\\b", "a\\\\b"),
        Arguments.of("x".repeat(64), "x".repeat(64)),
        Arguments.of("x".repeat(65), "x".repeat(64) + "..."));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("quotedValues")
  void quotesClientText(String value, String quoted) {
    assertThat(WireText.quote(value)).isEqualTo(quoted);
  }

  @Test
  void quotesOnlyTheStartOfLongRawBytes() {
    var bytes = Wire.bytes("\u0001" + "y".repeat(100_000));
    try {
      assertThat(WireText.quote(bytes, 0, bytes.readableBytes()))
          .isEqualTo("\\x01" + "y".repeat(63) + "...");
    } finally {
      bytes.release();
    }
  }
}
