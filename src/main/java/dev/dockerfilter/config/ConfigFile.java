package dev.dockerfilter.config;

import dev.dockerfilter.config.YamlTree.Node;
import dev.dockerfilter.policy.ClientMatch;
import dev.dockerfilter.policy.Policy;
import dev.dockerfilter.policy.Presets;
import dev.dockerfilter.policy.RuleListPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a config file says, read strictly and validated: every unknown key, every bad value and
 * every dangling policy name is an error naming the file, the line, the key and the fix.
 *
 * <p>Example:
 *
 * <pre>
 * upstream: unix:///var/run/docker.sock
 * listeners:
 *   - listen: unix:///run/docker-filter/traefik.sock
 *     policy: traefik
 * policies:
 *   mine:
 *     extends: read-only
 *     rules:
 *       - allow POST /containers/{container}/restart id=restart
 * </pre>
 *
 * The scalar keys are the flags' names ({@link Setting}). {@code extends:} and {@code rules:} at
 * the top level define the policy {@value #MAIN_POLICY}, which listeners use when they name none.
 */
public final class ConfigFile {

  /** The name of the policy that top-level {@code extends:} and {@code rules:} define. */
  public static final String MAIN_POLICY = "main";

  private final Path path;
  private final Map<Setting, Located> settings;
  private final Map<String, RuleListPolicy> policies;
  private final List<ListenerDefinition> listeners;

  /** A value and where the file gives it, e.g. {@code /etc/df.yaml:7:18}. */
  public record Located(String value, String where) {}

  /**
   * One listener of the file.
   *
   * @param endpoint where clients connect
   * @param policy the policy of clients that no client rule singles out
   * @param audit whether the listener forwards what it would deny and logs it
   * @param redact what the listener redacts, as the {@code redact} setting writes it, or "" for
   *     that setting's value
   * @param clients per-client rules, in the order they are tried
   * @param where the file and line of the listener, for messages
   */
  public record ListenerDefinition(
      Endpoint endpoint,
      String policy,
      boolean audit,
      String redact,
      List<ClientDefinition> clients,
      String where) {
    public ListenerDefinition {
      clients = List.copyOf(clients);
    }
  }

  /**
   * A per-client rule of a listener.
   *
   * @param match which clients
   * @param policy their policy, or "" for the listener's
   */
  public record ClientDefinition(ClientMatch match, String policy) {}

  ConfigFile(
      Path path,
      Map<Setting, Located> settings,
      Map<String, RuleListPolicy> policies,
      List<ListenerDefinition> listeners) {
    this.path = path;
    this.settings = settings;
    this.policies = policies;
    this.listeners = listeners;
  }

  /**
   * Reads and validates a config file.
   *
   * @throws ConfigException naming the file, the line, the key and the fix
   */
  public static ConfigFile load(Path path) {
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(
          "cannot read config file: '" + path + "' (" + e.getClass().getSimpleName() + ")", e);
    }
    return parse(text, path);
  }

  /** Validates the text of a config file that lives at PATH. */
  public static ConfigFile parse(String text, Path path) {
    Node root;
    try {
      root = YamlTree.read(text);
    } catch (YamlTree.YamlException e) {
      throw new ConfigException(path + ":" + e.location() + ": " + e.getMessage() + yamlHint(e));
    }
    return new FileReader(new ConfigReader(path)).read(root);
  }

  public Path path() {
    return path;
  }

  /** The value the file gives SETTING, and where. */
  public Optional<Located> setting(Setting setting) {
    return Optional.ofNullable(settings.get(setting));
  }

  /** The policies the file defines, {@value #MAIN_POLICY} included, in the order written. */
  public Map<String, RuleListPolicy> policies() {
    return policies;
  }

  /** A policy of the file, else a preset. */
  public Optional<Policy> policy(String name) {
    Policy own = policies.get(name);
    return own != null ? Optional.of(own) : Presets.byName(name).map(Policy.class::cast);
  }

  /** The policy for listeners that name none: {@value #MAIN_POLICY} if defined, else read-only. */
  public String defaultPolicyName() {
    return policies.containsKey(MAIN_POLICY) ? MAIN_POLICY : Presets.READ_ONLY_NAME;
  }

  /** The listeners, in order; empty when the file gives none. */
  public List<ListenerDefinition> listeners() {
    return listeners;
  }

  private static String yamlHint(YamlTree.YamlException e) {
    return e.getMessage().startsWith("YAML syntax")
        ? " (check the indentation; a rule whose note holds ': ' or ' #' must be quoted: - 'allow"
            + " … -- a: b')"
        : "";
  }
}
