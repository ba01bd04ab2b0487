package dev.dockerfilter.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LineLayoutTest {
  @Test
  void timeIsIsoUtcWithMillisecondsAlwaysPrinted() {
    assertThat(LineLayout.time(Instant.parse("2026-12-04T07:13:49.780Z").toEpochMilli()))
        .isEqualTo("2026-12-04T07:13:49.780Z");
    assertThat(LineLayout.time(Instant.parse("2026-12-04T07:13:49Z").toEpochMilli()))
        .isEqualTo("2026-12-04T07:13:49.000Z");
    assertThat(LineLayout.time(Instant.parse("2026-12-31T23:59:59.007Z").toEpochMilli()))
        .isEqualTo("2026-12-31T23:59:59.007Z");
    assertThat(LineLayout.time(Instant.parse("2027-01-01T00:00:00.050Z").toEpochMilli()))
        .isEqualTo("2027-01-01T00:00:00.050Z");
  }

  @Test
  void timeReadsBackAsTheSameInstantWithinAndAcrossSeconds() {
    SplittableRandom random = new SplittableRandom(7);
    long start = Instant.parse("2026-12-04T00:00:00Z").toEpochMilli();
    long millis = start;
    for (int i = 0; i < 10_000; i++) {
      millis += random.nextInt(0, 700);
      String text = LineLayout.time(millis);
      assertThat(Instant.parse(text).toEpochMilli()).as(text).isEqualTo(millis);
      assertThat(text).hasSize(24);
    }
  }
}
