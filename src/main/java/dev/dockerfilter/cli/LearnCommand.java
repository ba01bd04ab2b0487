package dev.dockerfilter.cli;

import dev.dockerfilter.policy.Rule;
import dev.dockerfilter.policy.RuleLearner;
import dev.dockerfilter.policy.RuleLearner.Learned;
import dev.dockerfilter.policy.RuleLearner.Observation;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code docker-filter learn access.log}: the smallest rules that allow what clients did. */
@Command(
    name = "learn",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    usageHelpWidth = 100,
    description = {
      "Writes the smallest rules file that allows what access logs record.",
      "It reads docker-filter access logs (logfmt or JSON, other lines are skipped) and allows",
      "every request they record, allowed, denied or would-deny alike, and nothing else: one",
      "allow rule per Engine API route seen, with the methods seen on it. Ids and names in paths",
      "become placeholders such as {container}. The output is a config file: use it with",
      "--config, or paste its rules into a policy.",
      ""
    },
    footer = {
      "",
      "Example: docker-filter learn --client uid=1000, --output agent.yaml /var/log/df.log",
      "",
      "Exit codes:",
      "  0  the rules were written",
      "  2  a log cannot be read, or holds no access line"
    })
final class LearnCommand implements Callable<Integer> {
  private static final Set<String> DECISIONS = Set.of("allow", "deny", "would-deny");

  @Spec CommandSpec spec;

  @Option(
      names = "--output",
      paramLabel = "FILE",
      description = "Where to write the rules. Default: standard output.")
  Path output;

  @Option(
      names = "--client",
      paramLabel = "PREFIX",
      description =
          "Learn only from lines whose client starts with PREFIX, e.g. uid=1000, or 10.0.0.7:")
  String clientPrefix;

  @Parameters(
      arity = "1..*",
      paramLabel = "ACCESS_LOG",
      description = "Log files to read; - reads standard input.")
  List<String> logs;

  @Override
  public Integer call() {
    List<Observation> observations = new ArrayList<>();
    try {
      for (String log : logs) {
        read(log, observations);
      }
    } catch (IOException e) {
      return fail("cannot read access log: " + e.getMessage());
    }
    if (observations.isEmpty()) {
      return fail(
          "no access line in: '"
              + String.join(" ", logs)
              + "' (expected msg=access lines"
              + (clientPrefix == null ? "" : " from clients starting with " + clientPrefix)
              + ")");
    }

    Learned learned = RuleLearner.learn(observations);
    PrintWriter err = spec.commandLine().getErr();
    learned.skipped().forEach(line -> err.println("docker-filter learn: skipped " + line));
    try {
      write(learned.rules(), observations.size());
    } catch (IOException e) {
      return fail("cannot write: '" + output + "' (" + e.getMessage() + ")");
    }
    err.println(
        "docker-filter learn: "
            + learned.rules().size()
            + " rules from "
            + observations.size()
            + " requests"
            + (output == null ? "" : " written to " + output));
    err.flush();
    return ExitCodes.OK;
  }

  private void read(String log, List<Observation> observations) throws IOException {
    Reader source =
        log.equals("-")
            ? new InputStreamReader(System.in, StandardCharsets.UTF_8)
            : Files.newBufferedReader(Path.of(log), StandardCharsets.UTF_8);
    try (BufferedReader reader = new BufferedReader(source)) {
      String line;
      while ((line = reader.readLine()) != null) {
        AccessLogLine.parse(line).flatMap(this::observation).ifPresent(observations::add);
      }
    }
  }

  /** An access line of a request the policy judged, from the wanted client. */
  private Optional<Observation> observation(Map<String, String> fields) {
    String decision = fields.getOrDefault("decision", "");
    String method = fields.getOrDefault("method", "-");
    String path = fields.getOrDefault("path", "-");
    boolean judged =
        "access".equals(fields.get("msg"))
            && DECISIONS.contains(decision)
            && !method.equals("-")
            && path.startsWith("/");
    if (!judged) {
      return Optional.empty();
    }
    if (clientPrefix != null && !fields.getOrDefault("client", "").startsWith(clientPrefix)) {
      return Optional.empty();
    }
    String target = fields.getOrDefault("target", "");
    int question = target.indexOf('?');
    String rawQuery = question < 0 ? "" : target.substring(question);
    return Optional.of(
        new Observation(method, path, rawQuery, decision.equals("allow"), status(fields)));
  }

  private static int status(Map<String, String> fields) {
    String status = fields.getOrDefault("status", "0");
    return status.matches("[0-9]{1,3}") ? Integer.parseInt(status) : 0;
  }

  private void write(List<Rule> rules, int requests) throws IOException {
    StringBuilder yaml = new StringBuilder();
    yaml.append("# Written by docker-filter learn from ")
        .append(requests)
        .append(" requests in ")
        .append(String.join(", ", logs))
        .append(".\n");
    yaml.append("# Use it as a config file (--config), or paste the rules into a policy.\n");
    yaml.append("rules:\n");
    for (Rule rule : rules) {
      yaml.append("  - ").append(yamlScalar(rule.format())).append('\n');
    }
    if (output == null) {
      PrintWriter out = spec.commandLine().getOut();
      out.print(yaml);
      out.flush();
    } else {
      Files.writeString(output, yaml, StandardCharsets.UTF_8);
    }
  }

  /** The line as a YAML scalar: plain unless YAML would read part of it as syntax. */
  static String yamlScalar(String line) {
    boolean plain = !line.contains(": ") && !line.contains(" #") && !line.endsWith(":");
    return plain ? line : "'" + line.replace("'", "''") + "'";
  }

  private int fail(String message) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("docker-filter learn: " + message);
    err.flush();
    return ExitCodes.BAD_CONFIG;
  }
}
