package dev.dockerfilter.config;

import dev.dockerfilter.config.YamlTree.Entry;
import dev.dockerfilter.config.YamlTree.Location;
import dev.dockerfilter.config.YamlTree.Mapping;
import dev.dockerfilter.config.YamlTree.Node;
import dev.dockerfilter.config.YamlTree.Sequence;
import dev.dockerfilter.policy.Presets;
import dev.dockerfilter.policy.Rule;
import dev.dockerfilter.policy.RuleListPolicy;
import dev.dockerfilter.policy.RuleParser;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Builds the named policies of a config file: each one's own rules, tried first, then the rules of
 * the policy it extends (a preset or another policy of the file).
 */
final class PolicyBuilder {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");

  private final ConfigReader reader;
  private final Map<String, Definition> definitions = new LinkedHashMap<>();
  private final Map<String, RuleListPolicy> built = new HashMap<>();

  /** One policy as written: its own rules with their lines, and what it extends. */
  private record Definition(
      String name, String extendsName, Location extendsLocation, String key, List<Line> rules) {}

  /** A rule and where it is written. */
  private record Line(Rule rule, Location location, String key) {}

  PolicyBuilder(ConfigReader reader) {
    this.reader = reader;
  }

  /** Reads the {@code extends} and {@code rules} of BODY as the policy NAME. */
  void define(String name, Mapping body, String keyPrefix, Location nameLocation) {
    String key = keyPrefix.isEmpty() ? "" : keyPrefix.substring(0, keyPrefix.length() - 1);
    checkName(name, nameLocation, key);

    Entry extendsEntry = body.entries().get("extends");
    String extendsName = "";
    Location extendsLocation = nameLocation;
    if (extendsEntry != null) {
      extendsName = reader.text(extendsEntry.value(), keyPrefix + "extends");
      extendsLocation = extendsEntry.value().location();
    }

    Entry rulesEntry = body.entries().get("rules");
    List<Line> rules = rulesEntry == null ? List.of() : rules(name, rulesEntry, keyPrefix);
    definitions.put(
        name, new Definition(name, extendsName, extendsLocation, keyPrefix + "extends", rules));
  }

  /** Builds every defined policy, resolving what each extends. */
  Map<String, RuleListPolicy> buildAll() {
    Map<String, RuleListPolicy> policies = new LinkedHashMap<>();
    for (String name : definitions.keySet()) {
      policies.put(name, build(name, new LinkedHashSet<>()));
    }
    return Collections.unmodifiableMap(policies);
  }

  private void checkName(String name, Location location, String key) {
    String where = key.isEmpty() ? "policies" : key;
    if (!NAME.matcher(name).matches()) {
      throw reader.fail(
          location,
          where,
          "bad policy name: '" + name + "' (expected lowercase letters, digits, '.', '_' or '-')");
    }
    if (Presets.byName(name).isPresent()) {
      throw reader.fail(
          location,
          where,
          "policy name taken by a preset: '"
              + name
              + "' (choose another name; to start from the preset, write extends: "
              + name
              + ")");
    }
    if (definitions.containsKey(name)) {
      throw reader.fail(
          location,
          where,
          "policy defined twice: '"
              + name
              + "' (the top-level extends/rules define '"
              + ConfigFile.MAIN_POLICY
              + "'; keep one)");
    }
  }

  private List<Line> rules(String policy, Entry entry, String keyPrefix) {
    Sequence sequence = reader.sequence(entry.value(), keyPrefix + "rules");
    List<Line> lines = new ArrayList<>();
    for (int i = 0; i < sequence.items().size(); i++) {
      Node item = sequence.items().get(i);
      String key = keyPrefix + "rules[" + i + "]";
      if (item instanceof Mapping) {
        throw reader.fail(
            item.location(),
            key,
            "YAML read this rule as a mapping because it holds ': ' (quote the whole rule in"
                + " single quotes: - 'allow … -- a: b')");
      }
      String text = reader.text(item, key);
      try {
        lines.add(new Line(RuleParser.parse(text, policy + "." + (i + 1)), item.location(), key));
      } catch (IllegalArgumentException e) {
        throw reader.fail(item.location(), key, e.getMessage());
      }
    }
    return lines;
  }

  private RuleListPolicy build(String name, Set<String> visiting) {
    RuleListPolicy done = built.get(name);
    if (done != null) {
      return done;
    }
    Definition definition = definitions.get(name);
    visiting.add(name);

    List<Rule> rules = new ArrayList<>();
    definition.rules().forEach(line -> rules.add(line.rule()));
    List<Rule> inherited = inherited(definition, visiting);
    checkUniqueIds(definition, inherited);
    rules.addAll(inherited);

    RuleListPolicy policy = RuleListPolicy.of(name, rules);
    built.put(name, policy);
    visiting.remove(name);
    return policy;
  }

  private List<Rule> inherited(Definition definition, Set<String> visiting) {
    String parent = definition.extendsName();
    if (parent.isEmpty()) {
      return List.of();
    }
    if (visiting.contains(parent)) {
      throw reader.fail(
          definition.extendsLocation(),
          definition.key(),
          "policies extend each other in a circle: '"
              + String.join(" -> ", visiting)
              + " -> "
              + parent
              + "' (expected a chain that ends at a preset or a policy without extends)");
    }
    if (definitions.containsKey(parent)) {
      return build(parent, visiting).rules();
    }
    return Presets.byName(parent)
        .map(RuleListPolicy::rules)
        .orElseThrow(() -> unknownParent(definition, parent));
  }

  private ConfigException unknownParent(Definition definition, String parent) {
    List<String> known = new ArrayList<>(Presets.names());
    known.addAll(definitions.keySet());
    known.remove(definition.name());
    return reader.fail(
        definition.extendsLocation(),
        definition.key(),
        "unknown policy to extend: '"
            + parent
            + "' (expected a preset or a policy of this file: "
            + String.join(", ", known)
            + Suggestions.didYouMean(parent, known)
            + ")");
  }

  private void checkUniqueIds(Definition definition, List<Rule> inherited) {
    Map<String, Line> own = new HashMap<>();
    for (Line line : definition.rules()) {
      Line earlier = own.put(line.rule().id(), line);
      if (earlier != null) {
        throw reader.fail(
            line.location(),
            line.key(),
            "rule id used twice in policy '"
                + definition.name()
                + "': '"
                + line.rule().id()
                + "' (also at line "
                + earlier.location().line()
                + "; ids must be unique)");
      }
    }
    for (Rule rule : inherited) {
      Line clash = own.get(rule.id());
      if (clash != null) {
        throw reader.fail(
            clash.location(),
            clash.key(),
            "rule id already used by '"
                + definition.extendsName()
                + "', which this policy extends: '"
                + rule.id()
                + "' (choose another id; your rule is tried first anyway)");
      }
    }
  }
}
