package dev.dockerfilter.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QueryConditionTest {

  /** One row per condition and raw query; the query column is the raw query after its '?'. */
  @ParameterizedTest(name = "{0} on ?{1} -> {2}")
  @CsvSource(
      delimiterString = " | ",
      quoteCharacter = '"',
      textBlock =
          """
          # booleans in every spelling the engine accepts, compared by meaning
          stream=false      | stream=false               | TRUE
          stream=false      | stream=0                   | TRUE
          stream=false      | stream=False               | TRUE
          stream=false      | stream=FALSE               | TRUE
          stream=false      | stream=no                  | TRUE
          stream=false      | stream=none                | TRUE
          stream=false      | stream=                    | TRUE
          stream=false      | stream                     | TRUE
          stream=false      | stream=%20false%09         | TRUE
          stream=false      | stream=1                   | FALSE
          stream=false      | stream=true                | FALSE
          stream=false      | stream=True                | FALSE
          stream=false      | stream=yes                 | FALSE
          stream=false      | stream=2                   | FALSE
          stream=false      | stream=anything            | FALSE
          # absent: never equal; the engine's default for a missing parameter is not ours to guess
          stream=false      | ""                         | FALSE
          stream=false      | other=0                    | FALSE
          stream=0          | stream=false               | TRUE
          follow=true       | follow=1                   | TRUE
          follow=1          | follow=True                | TRUE
          follow=true       | follow=0                   | FALSE
          # the first occurrence wins, as r.FormValue reads it
          stream=false      | stream=0&stream=1          | TRUE
          stream=false      | stream=1&stream=0          | FALSE
          # names and values are decoded once, '+' is a space; names are case-sensitive
          stream=false      | %73tream=%66alse           | TRUE
          stream=false      | Stream=false               | FALSE
          stream=false      | stream=fal%2Bse            | FALSE
          fromImage=busybox | fromImage=busybox          | TRUE
          fromImage=busybox | fromImage=Busybox          | FALSE
          fromImage=busybox | fromImage=busy+box         | FALSE
          # ambiguous or unreadable: unknown, never guessed
          stream=false      | stream=f                   | UNKNOWN
          stream=false      | stream=F                   | UNKNOWN
          stream=false      | stream=%1Cfalse            | UNKNOWN
          stream=false      | stream=%C2%A0false         | TRUE
          stream=false      | stream=fa%C5%BFse          | UNKNOWN
          stream=false      | stream=0;stream=1          | UNKNOWN
          stream=false      | stream=%zz                 | UNKNOWN
          stream=false      | other=%2&stream=0          | UNKNOWN
          # not equal: absent counts as not equal
          follow!=true      | ""                         | TRUE
          follow!=true      | follow=0                   | TRUE
          follow!=true      | follow=1                   | FALSE
          follow!=true      | follow=f                   | UNKNOWN
          tail!=all|0       | tail=10                    | TRUE
          tail!=all|0       | tail=all                   | FALSE
          # presence
          fromImage=*       | fromImage=busybox          | TRUE
          fromImage=*       | fromImage=                 | FALSE
          fromImage=*       | ""                         | FALSE
          !fromSrc          | fromImage=busybox          | TRUE
          !fromSrc          | fromSrc=-                  | FALSE
          !fromSrc          | fromSrc                    | FALSE
          !fromSrc          | fromSrc=x;y                | UNKNOWN
          """)
  void testsTheQueryAsTheEngineReadsIt(String condition, String query, Truth expected) {
    QueryCondition parsed = RuleParser.parseCondition(condition);

    assertThat(parsed.test("?" + query)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} prints as {1}")
  @CsvSource(
      delimiterString = " | ",
      textBlock =
          """
          stream=false       | stream=false
          stream=0           | stream=false
          stream=False|0     | stream=false
          follow=1           | follow=true
          follow!=TRUE       | follow!=true
          tail=all|10        | tail=all|10
          tail=all|0         | tail=all|0
          limit=1|5          | limit=1|5
          fromImage=*        | fromImage=*
          !fromSrc           | !fromSrc
          one-shot=1         | one-shot=true
          """)
  void printsInCanonicalForm(String condition, String printed) {
    assertThat(RuleParser.parseCondition(condition).format()).isEqualTo(printed);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiterString = " | ",
      quoteCharacter = '"',
      textBlock =
          """
          follow             | condition without '=': 'follow'
          =false             | bad query parameter name: ''
          st ream=1          | bad query parameter name: 'st ream'
          stream=            | bad value for query parameter 'stream': ''
          stream=a|          | bad value for query parameter 'stream': ''
          stream=a,b         | bad value for query parameter 'stream': 'a,b'
          stream=x*          | bad value for query parameter 'stream': 'x*'
          stream=true|x      | true or false mixed with other values for 'stream': 'true|x'
          stream=False|x     | true or false mixed with other values for 'stream': 'False|x'
          stream=true|0      | 'stream' compared with both true and false: 'true|0'
          !stream=1          | '!' with a value: '!stream=1'
          !                  | bad query parameter name: ''
          """)
  void rejectsMalformedConditions(String condition, String message) {
    assertThatThrownBy(() -> RuleParser.parseCondition(condition))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }
}
