package dev.dockerfilter.config;

import dev.dockerfilter.config.ConfigFile.ClientDefinition;
import dev.dockerfilter.config.ConfigFile.ListenerDefinition;
import dev.dockerfilter.config.YamlTree.Entry;
import dev.dockerfilter.config.YamlTree.Mapping;
import dev.dockerfilter.config.YamlTree.Sequence;
import dev.dockerfilter.policy.Cidr;
import dev.dockerfilter.policy.ClientMatch;
import dev.dockerfilter.policy.Presets;
import dev.dockerfilter.policy.RuleListPolicy;
import dev.dockerfilter.redact.Redaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads one item of {@code listeners:}.
 *
 * <pre>
 * - listen: unix:///run/docker-filter/agents.sock
 *   policy: read-only        # optional: main if the file defines it, else read-only
 *   mode: audit              # optional: enforce (the default) or audit
 *   redact: all              # optional: as the redact setting, for this listener only
 *   clients:                 # optional, tried in order
 *     - uid: 1000            # unix listeners: uid, gid or both
 *       policy: datadog      # optional: the listener's policy
 *     - cidr: 10.0.0.0/8     # tcp listeners: an address range
 * </pre>
 */
final class ListenerReader {
  private static final List<String> LISTENER_KEYS =
      List.of("listen", "policy", "mode", "redact", "clients");
  private static final List<String> UNIX_CLIENT_KEYS = List.of("uid", "gid", "policy");
  private static final List<String> TCP_CLIENT_KEYS = List.of("cidr", "policy");

  private final ConfigReader reader;
  private final String key;
  private final Map<String, RuleListPolicy> policies;
  private final String defaultPolicy;

  ListenerReader(
      ConfigReader reader, String key, Map<String, RuleListPolicy> policies, String defaultPolicy) {
    this.reader = reader;
    this.key = key;
    this.policies = policies;
    this.defaultPolicy = defaultPolicy;
  }

  ListenerDefinition read(Mapping listener) {
    reader.checkKeys(listener, key + ".", LISTENER_KEYS);
    Map<String, Entry> entries = listener.entries();

    Endpoint endpoint = endpoint(entries.get("listen"), listener);
    String policy =
        entries.containsKey("policy") ? policyName(entries.get("policy"), key + ".policy") : "";
    boolean audit = entries.containsKey("mode") && audit(entries.get("mode"));
    String redact = entries.containsKey("redact") ? redact(entries.get("redact")) : "";
    List<ClientDefinition> clients =
        entries.containsKey("clients") ? clients(entries.get("clients"), endpoint) : List.of();

    return new ListenerDefinition(
        endpoint,
        policy.isEmpty() ? defaultPolicy : policy,
        audit,
        redact,
        clients,
        reader.where(listener.location()));
  }

  private Endpoint endpoint(Entry entry, Mapping listener) {
    if (entry == null) {
      throw reader.fail(
          listener.location(),
          key,
          "listener without an address: 'listen' is missing (expected e.g. listen:"
              + " unix:///run/docker-filter/docker.sock)");
    }
    String text = reader.text(entry.value(), key + ".listen");
    try {
      return Endpoint.parse(text);
    } catch (IllegalArgumentException e) {
      throw reader.fail(entry.value().location(), key + ".listen", e.getMessage());
    }
  }

  private String policyName(Entry entry, String policyKey) {
    String name = reader.text(entry.value(), policyKey);
    if (policies.containsKey(name) || Presets.byName(name).isPresent()) {
      return name;
    }
    List<String> known = new ArrayList<>(Presets.names());
    known.addAll(policies.keySet());
    throw reader.fail(
        entry.value().location(),
        policyKey,
        "unknown policy: '"
            + name
            + "' (expected a preset or a policy of this file: "
            + String.join(", ", known)
            + Suggestions.didYouMean(name, known)
            + ")");
  }

  private boolean audit(Entry entry) {
    String mode = reader.text(entry.value(), key + ".mode");
    return switch (mode) {
      case "audit" -> true;
      case "enforce" -> false;
      default ->
          throw reader.fail(
              entry.value().location(),
              key + ".mode",
              "unknown mode: '"
                  + mode
                  + "' (expected enforce, the default, or audit: forward what would be denied and"
                  + " log it as would-deny)");
    };
  }

  private String redact(Entry entry) {
    String value = reader.text(entry.value(), key + ".redact");
    try {
      Redaction.parseSecrets(value);
    } catch (IllegalArgumentException e) {
      throw reader.fail(entry.value().location(), key + ".redact", e.getMessage());
    }
    return value;
  }

  private List<ClientDefinition> clients(Entry entry, Endpoint endpoint) {
    Sequence sequence = reader.sequence(entry.value(), key + ".clients");
    List<ClientDefinition> clients = new ArrayList<>();
    for (int i = 0; i < sequence.items().size(); i++) {
      String clientKey = key + ".clients[" + i + "]";
      Mapping client = reader.mapping(sequence.items().get(i), clientKey);
      clients.add(client(client, clientKey, endpoint));
    }
    return clients;
  }

  private ClientDefinition client(Mapping client, String clientKey, Endpoint endpoint) {
    boolean unix = endpoint instanceof Endpoint.Unix;
    checkClientKeys(client, clientKey, unix);
    Map<String, Entry> entries = client.entries();
    ClientMatch match = unix ? unixMatch(client, clientKey) : networkMatch(client, clientKey);
    String policy =
        entries.containsKey("policy")
            ? policyName(entries.get("policy"), clientKey + ".policy")
            : "";
    return new ClientDefinition(match, policy);
  }

  private void checkClientKeys(Mapping client, String clientKey, boolean unix) {
    for (Entry entry : client.entries().values()) {
      boolean wrongKind =
          unix ? entry.key().equals("cidr") : UNIX_CLIENT_KEYS.contains(entry.key());
      if (wrongKind && !entry.key().equals("policy")) {
        throw reader.fail(
            entry.keyLocation(),
            clientKey + "." + entry.key(),
            unix
                ? "an address range on a unix listener: 'cidr' (expected uid and/or gid, which"
                    + " the kernel gives for unix-socket clients)"
                : "a user id on a tcp listener: '"
                    + entry.key()
                    + "' (expected cidr: TCP clients are told apart by address)");
      }
    }
    reader.checkKeys(client, clientKey + ".", unix ? UNIX_CLIENT_KEYS : TCP_CLIENT_KEYS);
  }

  private ClientMatch unixMatch(Mapping client, String clientKey) {
    long uid = id(client.entries().get("uid"), clientKey + ".uid");
    long gid = id(client.entries().get("gid"), clientKey + ".gid");
    if (uid == ClientMatch.UnixIds.ANY && gid == ClientMatch.UnixIds.ANY) {
      throw reader.fail(
          client.location(),
          clientKey,
          "client rule names no client: 'uid' and 'gid' are missing (expected uid, gid or both)");
    }
    return new ClientMatch.UnixIds(uid, gid);
  }

  private long id(Entry entry, String idKey) {
    if (entry == null) {
      return ClientMatch.UnixIds.ANY;
    }
    String text = reader.text(entry.value(), idKey);
    if (!text.matches("[0-9]{1,10}") || Long.parseLong(text) > 4_294_967_294L) {
      throw reader.fail(
          entry.value().location(),
          idKey,
          "not a numeric id: '"
              + text
              + "' (expected a number from 0 to 4294967294; `id -u NAME` and `getent group"
              + " NAME` print them)");
    }
    return Long.parseLong(text);
  }

  private ClientMatch networkMatch(Mapping client, String clientKey) {
    Entry entry = client.entries().get("cidr");
    if (entry == null) {
      throw reader.fail(
          client.location(),
          clientKey,
          "client rule names no client: 'cidr' is missing (expected e.g. cidr: 10.0.0.0/8)");
    }
    String text = reader.text(entry.value(), clientKey + ".cidr");
    try {
      return new ClientMatch.Network(Cidr.parse(text));
    } catch (IllegalArgumentException e) {
      throw reader.fail(entry.value().location(), clientKey + ".cidr", e.getMessage());
    }
  }
}
