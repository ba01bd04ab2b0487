package dev.dockerfilter.config;

import dev.dockerfilter.config.YamlTree.Entry;
import dev.dockerfilter.config.YamlTree.Location;
import dev.dockerfilter.config.YamlTree.Mapping;
import dev.dockerfilter.config.YamlTree.Node;
import dev.dockerfilter.config.YamlTree.Scalar;
import dev.dockerfilter.config.YamlTree.Sequence;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Reads the nodes of one config file, failing with the file, line and key of a problem. */
final class ConfigReader {
  private final Path path;

  ConfigReader(Path path) {
    this.path = path;
  }

  Path path() {
    return path;
  }

  Mapping mapping(Node node, String key) {
    if (node instanceof Mapping mapping) {
      return mapping;
    }
    throw fail(node.location(), key, "expected a mapping of keys, got " + node.kind());
  }

  Sequence sequence(Node node, String key) {
    if (node instanceof Sequence sequence) {
      return sequence;
    }
    throw fail(node.location(), key, "expected a list ('- ' items), got " + node.kind());
  }

  String text(Node node, String key) {
    if (node instanceof Scalar scalar && !scalar.isNull()) {
      return scalar.text();
    }
    throw fail(node.location(), key, "expected a value, got " + node.kind());
  }

  /** Fails at the first key of MAPPING that is not in ALLOWED, suggesting the nearest. */
  void checkKeys(Mapping mapping, String prefix, List<String> allowed) {
    checkKeys(mapping, prefix, allowed, Map.of());
  }

  /**
   * As {@link #checkKeys(Mapping, String, List)}; HINTS add a sentence after the suggestion for a
   * key that is a known mistake, e.g. {@code listen} where the file wants {@code listeners}.
   */
  void checkKeys(Mapping mapping, String prefix, List<String> allowed, Map<String, String> hints) {
    for (Entry entry : mapping.entries().values()) {
      if (!allowed.contains(entry.key())) {
        String hint = hints.getOrDefault(entry.key(), "");
        throw fail(
            entry.keyLocation(),
            prefix + entry.key(),
            "unknown key: '"
                + entry.key()
                + "' (expected one of: "
                + String.join(", ", allowed)
                + Suggestions.didYouMean(entry.key(), allowed)
                + (hint.isEmpty() ? "" : " " + hint)
                + ")");
      }
    }
  }

  /** {@code /etc/df.yaml:12:11: listeners[0].mode: <message>}. */
  ConfigException fail(Location location, String key, String message) {
    return new ConfigException(where(location) + ": " + key + ": " + message);
  }

  /** {@code /etc/df.yaml:12:11}. */
  String where(Location location) {
    return path + ":" + location;
  }
}
