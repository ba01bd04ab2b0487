package dev.dockerfilter.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SuggestionsTest {
  private static final List<String> KEYS =
      List.of("upstream", "log-format", "log-level", "extends", "rules", "listeners");

  /** One row per word: the suggestion, or "" when nothing is close or several are. */
  @ParameterizedTest(name = "{0} -> ''{1}''")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          upsteam    | upstream
          rule       | rules
          log-levle  | log-level
          listen     | listeners
          listener   | listeners
          ext        | extends
          log        | ''
          li         | ''
          policy     | ''
          """)
  void suggestsTheNearestKeyOrTheOneItBegins(String given, String expected) {
    String suggestion = Suggestions.didYouMean(given, KEYS);

    assertThat(suggestion)
        .isEqualTo(expected.isEmpty() ? "" : "; did you mean '" + expected + "'?");
  }
}
