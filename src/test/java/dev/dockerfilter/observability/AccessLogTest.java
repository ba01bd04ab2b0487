package dev.dockerfilter.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AccessLogTest {

  @ParameterizedTest
  @CsvSource({
    "0,         0.000",
    "0.0004,    0.000",
    "0.0006,    0.001",
    "0.012,     0.012",
    "0.41249,   0.412",
    "1.23456,   1.235",
    "12.3,      12.300",
    "999.9996,  1000.000",
    "86400000,  86400000.000"
  })
  void writesMillisecondsWithThreeDecimals(double millis, String expected) {
    assertThat(AccessLog.millis(millis).toPlainString()).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.001, 0.05, 0.5, 3.14159, 27.913, 6.589, 1234.5678})
  void agreesWithFormat(double millis) {
    assertThat(AccessLog.millis(millis).toPlainString())
        .isEqualTo(String.format(Locale.ROOT, "%.3f", millis));
  }
}
