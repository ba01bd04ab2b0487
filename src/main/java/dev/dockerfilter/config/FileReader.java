package dev.dockerfilter.config;

import dev.dockerfilter.config.ConfigFile.ListenerDefinition;
import dev.dockerfilter.config.ConfigFile.Located;
import dev.dockerfilter.config.YamlTree.Entry;
import dev.dockerfilter.config.YamlTree.Mapping;
import dev.dockerfilter.config.YamlTree.Node;
import dev.dockerfilter.config.YamlTree.Sequence;
import dev.dockerfilter.policy.Presets;
import dev.dockerfilter.policy.RuleListPolicy;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the top level of a config file: settings, policies, listeners, in that order. */
final class FileReader {
  private static final List<String> POLICY_KEYS = List.of("extends", "rules");

  // --listen has no key of its own in a file: listeners are a list, each with its own policy.
  private static final Map<String, String> TOP_HINTS =
      Map.of(
          Setting.LISTEN.key(),
          "The file gives listeners as a list: listeners: [{listen: unix:///path}]");

  private final ConfigReader reader;

  FileReader(ConfigReader reader) {
    this.reader = reader;
  }

  ConfigFile read(Node root) {
    // upstream: …, idle-timeout: …, unknown keys refused
    Mapping top = reader.mapping(root, "(top level)");
    reader.checkKeys(top, "", topKeys(), TOP_HINTS);
    Map<Setting, Located> settings = settings(top);

    // extends/rules at the top ("main"), then policies: {…}
    Map<String, RuleListPolicy> policies = policies(top);

    // listeners: [{listen: …, policy: …, mode: …, clients: […]}]
    String defaultPolicy =
        policies.containsKey(ConfigFile.MAIN_POLICY)
            ? ConfigFile.MAIN_POLICY
            : Presets.READ_ONLY_NAME;
    Entry listenersEntry = top.entries().get("listeners");
    List<ListenerDefinition> listeners =
        listenersEntry == null ? List.of() : listeners(listenersEntry, policies, defaultPolicy);

    return new ConfigFile(reader.path(), Map.copyOf(settings), policies, listeners);
  }

  private static List<String> topKeys() {
    List<String> keys = new ArrayList<>();
    for (Setting setting : Setting.values()) {
      if (setting.inFile()) {
        keys.add(setting.key());
      }
    }
    keys.addAll(List.of("extends", "rules", "policies", "listeners"));
    return keys;
  }

  private Map<Setting, Located> settings(Mapping top) {
    Map<Setting, Located> settings = new EnumMap<>(Setting.class);
    for (Entry entry : top.entries().values()) {
      Setting.byKey(entry.key())
          .ifPresent(setting -> settings.put(setting, setting(setting, entry)));
    }
    return settings;
  }

  private Located setting(Setting setting, Entry entry) {
    String value = reader.text(entry.value(), entry.key());
    try {
      setting.check(value);
    } catch (IllegalArgumentException e) {
      throw reader.fail(entry.value().location(), entry.key(), e.getMessage());
    }
    return new Located(value, reader.where(entry.value().location()));
  }

  private Map<String, RuleListPolicy> policies(Mapping top) {
    PolicyBuilder builder = new PolicyBuilder(reader);
    Map<String, Entry> entries = top.entries();
    if (entries.containsKey("extends") || entries.containsKey("rules")) {
      builder.define(ConfigFile.MAIN_POLICY, top, "", top.location());
    }

    Entry policies = entries.get("policies");
    if (policies != null) {
      for (Entry policy : reader.mapping(policies.value(), "policies").entries().values()) {
        String key = "policies." + policy.key();
        Mapping body = reader.mapping(policy.value(), key);
        reader.checkKeys(body, key + ".", POLICY_KEYS);
        builder.define(policy.key(), body, key + ".", policy.keyLocation());
      }
    }
    return builder.buildAll();
  }

  private List<ListenerDefinition> listeners(
      Entry entry, Map<String, RuleListPolicy> policies, String defaultPolicy) {
    Sequence sequence = reader.sequence(entry.value(), "listeners");
    if (sequence.items().isEmpty()) {
      throw reader.fail(
          sequence.location(),
          "listeners",
          "no listener in the list: '[]' (expected at least one, or no listeners key)");
    }
    List<ListenerDefinition> listeners = new ArrayList<>();
    Map<Endpoint, String> seen = new LinkedHashMap<>();
    for (int i = 0; i < sequence.items().size(); i++) {
      String key = "listeners[" + i + "]";
      Node item = sequence.items().get(i);
      ListenerDefinition listener =
          new ListenerReader(reader, key, policies, defaultPolicy).read(reader.mapping(item, key));
      String earlier = seen.put(listener.endpoint(), listener.where());
      if (earlier != null) {
        throw reader.fail(
            item.location(),
            key + ".listen",
            "listener given twice: '"
                + listener.endpoint().uri()
                + "' (also at "
                + earlier
                + "; keep one)");
      }
      listeners.add(listener);
    }
    return List.copyOf(listeners);
  }
}
