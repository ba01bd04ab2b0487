package dev.dockerfilter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockerfilter.config.ConfigFile;
import dev.dockerfilter.policy.Policy;
import dev.dockerfilter.policy.PolicyRequest;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Learn on a recorded session: the rules allow the whole session and nothing it did not do. */
class LearnCommandTest {

  @TempDir Path dir;

  @Test
  void writesRulesThatAllowEveryRecordedRequest() throws Exception {
    Path learned = dir.resolve("learned.yaml");

    Commands result = learn("--output", learned.toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.err()).endsWith("16 rules from 32 requests written to " + learned + "\n");
    Policy policy = policyOf(learned);
    List<PolicyRequest> recorded = recordedRequests();
    assertThat(recorded).hasSize(32);
    for (PolicyRequest request : recorded) {
      assertThat(policy.decide(request).allowed()).as(request.toString()).isTrue();
    }
  }

  @ParameterizedTest(name = "{0} {1}{2}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      textBlock =
          """
          # other endpoints of the same kinds
          GET    | /_ping                        | ""
          GET    | /containers/web/changes       | ""
          GET    | /images/get                   | ""
          GET    | /images/busybox/history       | ""
          GET    | /secrets                      | ""
          GET    | /events                       | ""
          # other methods on routes the session used
          POST   | /containers/json              | ""
          DELETE | /containers/web                | ""
          POST   | /containers/web/start         | ""
          PUT    | /containers/web/archive       | ?path=/
          POST   | /images/create                | ?fromImage=x
          # streams the session never opened
          GET    | /containers/web/stats         | ?stream=1
          GET    | /containers/web/stats         | ""
          GET    | /containers/web/logs          | ?follow=1
          """)
  void allowsNothingElse(String method, String path, String query) throws Exception {
    Path learned = dir.resolve("learned.yaml");
    learn("--output", learned.toString());

    Policy policy = policyOf(learned);

    assertThat(policy.decide(new PolicyRequest(method, path, query)).allowed()).isFalse();
  }

  @Test
  void printsARulesFileThatReadsAsAConfigFile() throws Exception {
    Commands result = learn();

    assertThat(result.out())
        .startsWith("# Written by docker-filter learn from 32 requests in ")
        .contains(
            "rules:\n"
                + "  - allow HEAD /_ping id=ping -- seen 13 times\n"
                + "  - allow GET /containers/json id=containers-json -- seen 1 time\n")
        .contains(
            "  - allow GET /containers/{container}/archive id=containers-container-archive -- seen"
                + " 1 time, 1 denied\n")
        .contains(
            "  - allow GET /containers/{container}/logs if follow!=true"
                + " id=containers-container-logs -- seen 2 times\n")
        .contains(
            "  - allow GET /containers/{container}/stats if stream=false"
                + " id=containers-container-stats -- seen 1 time\n")
        .contains("  - allow POST /exec/{name}/start upgrade id=exec-name-start -- seen 1 time\n");
  }

  @Test
  void learnsOnlyFromTheClientGiven() throws Exception {
    Commands result = learn("--client", "10.0.0.7:");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).endsWith("rules:\n  - allow GET /info id=info -- seen 1 time\n");
  }

  @Test
  void failsWhenTheLogsHoldNoAccessLine() throws IOException {
    Path empty = Files.writeString(dir.resolve("empty.log"), "level=info msg=ready\n");

    Commands noLines = Commands.run("learn", empty.toString());
    Commands missing = Commands.run("learn", dir.resolve("missing.log").toString());

    assertThat(noLines.exitCode()).isEqualTo(2);
    assertThat(noLines.err())
        .isEqualTo(
            "docker-filter learn: no access line in: '"
                + empty
                + "' (expected msg=access lines)\n");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).startsWith("docker-filter learn: cannot read access log: ");
  }

  private static Commands learn(String... options) throws URISyntaxException {
    List<String> args = new ArrayList<>(List.of("learn"));
    args.addAll(List.of(options));
    args.addAll(List.of(logs()));
    return Commands.run(args.toArray(String[]::new));
  }

  private static String[] logs() throws URISyntaxException {
    return new String[] {
      resource("session.log"), resource("session.json.log"), resource("audit.log")
    };
  }

  private static String resource(String name) throws URISyntaxException {
    return Path.of(LearnCommandTest.class.getResource("/learn/" + name).toURI()).toString();
  }

  private static Policy policyOf(Path learned) {
    ConfigFile file = ConfigFile.load(learned);
    return file.policy(file.defaultPolicyName()).orElseThrow();
  }

  /** Every request the recorded logs judged, as the policy sees it. */
  private static List<PolicyRequest> recordedRequests() throws Exception {
    List<PolicyRequest> requests = new ArrayList<>();
    for (String log : logs()) {
      for (String line : Files.readAllLines(Path.of(log))) {
        Map<String, String> fields = AccessLogLine.parse(line).orElse(Map.of());
        if (!"access".equals(fields.get("msg")) || fields.get("path").equals("-")) {
          continue;
        }
        String target = fields.get("target");
        int question = target.indexOf('?');
        String query = question < 0 ? "" : target.substring(question);
        requests.add(new PolicyRequest(fields.get("method"), fields.get("path"), query));
      }
    }
    return requests;
  }
}
