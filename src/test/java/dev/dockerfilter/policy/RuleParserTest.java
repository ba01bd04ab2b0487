package dev.dockerfilter.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RuleParserTest {

  /** Hand-written rules, each already in the canonical form that format() prints. */
  static Stream<String> canonicalLines() {
    return Stream.of(
        "allow GET /_ping id=ping",
        "allow GET,HEAD /_ping id=ping -- health check and API version negotiation",
        "deny GET,HEAD /containers/{any}/export id=no-export -- the whole filesystem",
        "allow GET /containers/{container}/stats if stream=false id=stats-once",
        "allow GET /containers/{container}/stats if stream=false and one-shot=true id=s.1",
        "deny GET /containers/{container}/logs if follow=true id=no-follow -- never ends",
        "deny GET /containers/json if size=true id=no-size -- costly on big hosts",
        "allow GET /containers/{container}/logs if follow!=true id=logs-once",
        "allow POST /images/create if fromImage=* and !fromSrc id=pull-only",
        "allow GET /containers/{container}/logs if tail=all|100 id=tails",
        "allow POST /exec/{name}/start upgrade id=exec-start -- docker exec -it",
        "allow POST /containers/{container}/attach if stdin=false upgrade id=attach-ro",
        "allow GET /containers/{container}/attach/ws upgrade id=attach-ws",
        "allow DELETE,GET,HEAD,POST,PUT /volumes/{name} id=volumes_all",
        "allow POST /containers/{container}/start id=start -- a note -- with dashes: and colons",
        "allow GET /images/{image}/json id=img -- notes keep  inner  spaces",
        "allow GET /plugins/{plugin}/json id=plugin",
        "deny GET /{any} id=catch-all",
        "allow M-SEARCH /x id=odd-method");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("canonicalLines")
  void readsAndPrintsCanonicalLinesUnchanged(String line) {
    assertThat(RuleParser.parse(line).format()).isEqualTo(line);
  }

  static Stream<Rule> presetRules() {
    return Presets.names().stream()
        .map(name -> Presets.byName(name).orElseThrow())
        .flatMap(policy -> policy.rules().stream());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource({"presetRules", "builtRules"})
  void readsBackEveryRuleItPrints(Rule rule) {
    assertThat(RuleParser.parse(rule.format())).isEqualTo(rule);
  }

  static Stream<Rule> builtRules() {
    PathTemplate stats = PathTemplate.parse("/containers/{container}/stats");
    return Stream.of(
        new Rule("a", Verdict.ALLOW, Set.of("GET"), stats, List.of(), false, ""),
        new Rule(
            "b",
            Verdict.ALLOW,
            Set.of("HEAD", "GET"),
            stats,
            List.of(QueryCondition.equalTo("stream", "0"), QueryCondition.absent("one-shot")),
            false,
            "one sample"),
        new Rule(
            "c",
            Verdict.DENY,
            Set.of("GET"),
            stats,
            List.of(QueryCondition.notEqualTo("stream", "False")),
            false,
            "streams -- forever"),
        new Rule(
            "d",
            Verdict.ALLOW,
            Set.of("POST"),
            PathTemplate.parse("/exec/{name}/start"),
            List.of(QueryCondition.present("x")),
            true,
            "x"));
  }

  /** Accepted spellings that print differently: the second column is what format() prints. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiterString = " => ",
      textBlock =
          """
          allow HEAD,GET /_ping id=p                       => allow GET,HEAD /_ping id=p
            allow   GET\t/_ping    id=p                    => allow GET /_ping id=p
          allow GET /_ping id=p --   spaced note           => allow GET /_ping id=p -- spaced note
          allow GET /x/{container} id=s if stream=0        => allow GET /x/{container} if stream=false id=s
          allow GET /x upgrade if a=1 and b=True id=u      => allow GET /x if a=true and b=true upgrade id=u
          allow GET /x id=u upgrade                        => allow GET /x upgrade id=u
          allow GET /x if a=TRUE|1 id=u                    => allow GET /x if a=true id=u
          deny GET /x if if=1 id=u                         => deny GET /x if if=true id=u
          deny GET /x if id=1 id=u                         => deny GET /x if id=true id=u
          deny GET /x if a=1 and id=1 id=u                 => deny GET /x if a=true and id=true id=u
          """)
  void acceptsOtherSpellings(String line, String printed) {
    assertThat(RuleParser.parse(line).format()).isEqualTo(printed);
  }

  @Test
  void givesARuleWithoutAnIdTheDefaultId() {
    Rule rule = RuleParser.parse("allow GET /_ping -- ping", "mine.1");

    assertThat(rule.id()).isEqualTo("mine.1");
    assertThat(RuleParser.parse("allow GET /_ping id=own", "mine.1").id()).isEqualTo("own");
  }

  @Test
  void keepsEverythingAfterTheDashesAsTheNote() {
    Rule rule = RuleParser.parse("deny GET /x id=n -- upgrade if a=1 id=other -- #1");

    assertThat(rule.note()).isEqualTo("upgrade if a=1 id=other -- #1");
    assertThat(rule.upgrade()).isFalse();
    assertThat(rule.conditions()).isEmpty();
    assertThat(rule.id()).isEqualTo("n");
  }

  /** One row per malformed line: the message start, then the column it points at. */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiterString = " => ",
      quoteCharacter = '"',
      textBlock =
          """
          ""                                      => rule is empty: '' (expected allow or deny                   => 1
          permit GET /_ping id=p                  => unknown verdict at column 1: 'permit' (expected allow or deny => 1
          Allow GET /_ping id=p                   => unknown verdict at column 1: 'Allow'                        => 1
          allow                                   => rule ends before its methods: 'allow'                       => 6
          allow get /_ping id=p                   => bad method at column 7: 'get' (expected methods in upper case => 7
          allow GET, HEAD /_ping id=p             => bad method at column 7: 'GET,'                              => 7
          allow GET,GET /_ping id=p               => method listed twice at column 7: 'GET,GET'                  => 7
          allow GET                               => rule ends before its path: 'allow GET'                      => 10
          allow GET _ping id=p                    => at column 11: path template must start with '/': '_ping'    => 11
          allow GET /containers/{id}/json id=p    => at column 11: unknown placeholder {id} in path template     => 11
          allow GET /_ping                        => rule has no id: 'allow GET /_ping' (add id=NAME             => 17
          allow GET /_ping id=                    => empty id at column 18: 'id='                                => 18
          allow GET /_ping id=Ping                => bad rule id: 'Ping'                                         => 1
          allow GET /_ping id=a id=b              => 'id=b' given twice at column 23                             => 23
          allow GET /_ping ids=a                  => condition without 'if' at column 18: 'ids=a' (expected if ids=a) => 18
          allow GET /_ping iff a=1 id=p           => unexpected word at column 18: 'iff' (expected if CONDITION, upgrade, id=NAME or -- NOTE) => 18
          allow GET /_ping if id=p                => rule has no id                                              => 25
          allow GET /_ping id=p if                => 'if' without a condition at column 23                       => 23
          allow GET /_ping if a=1 b=2 id=p        => conditions must be joined by 'and' at column 25: 'b=2' (expected if a=1 and b=2) => 25
          allow GET /_ping if a=1 and id=p        => rule has no id                                              => 33
          allow GET /_ping if a=1 if b=2 id=p     => 'if' given twice at column 25                               => 25
          allow GET /_ping if a=1 and id=p        => rule has no id                                              => 33
          allow GET /_ping and a=1 id=p           => 'and' outside a condition list at column 18                 => 18
          allow GET /_ping if a=1 and id=p and    => 'and' without a condition at column 34                     => 34
          allow GET /_ping if follow id=p         => at column 21: condition without '=': 'follow'               => 21
          allow GET /_ping if a=x* id=p           => at column 21: bad value for query parameter 'a': 'x*'       => 21
          allow GET /_ping !a id=p                => condition without 'if' at column 18: '!a'                   => 18
          allow GET /_ping upgrade upgrade id=p   => 'upgrade' given twice at column 26                          => 26
          deny GET /_ping upgrade id=p            => upgrade on a deny rule: 'p' (only an allow rule             => 1
          allow GET /_ping id=p --                => '--' without a note at column 23                            => 23
          allow GET /_ping id=p --\t              => '--' without a note at column 23                            => 23
          """)
  void rejectsMalformedLinesNamingTheWordAndTheFix(String line, String message, int column) {
    assertThatThrownBy(() -> RuleParser.parse(line))
        .isInstanceOf(RuleSyntaxException.class)
        .hasMessageStartingWith(message)
        .satisfies(e -> assertThat(((RuleSyntaxException) e).column()).isEqualTo(column));
  }

  @ParameterizedTest
  @ValueSource(strings = {"allow GET /_ping id=p\n", "allow GET /_ping id=p -- a\rb"})
  void rejectsLineBreaks(String line) {
    assertThatThrownBy(() -> RuleParser.parse(line))
        .isInstanceOf(RuleSyntaxException.class)
        .hasMessageStartingWith("line break in rule: ")
        .hasMessageEndingWith("(expected one rule per line)");
  }
}
