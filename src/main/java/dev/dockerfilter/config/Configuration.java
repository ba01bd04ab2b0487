package dev.dockerfilter.config;

import dev.dockerfilter.config.ConfigFile.ClientDefinition;
import dev.dockerfilter.config.ConfigFile.ListenerDefinition;
import dev.dockerfilter.policy.PeerPolicySelector;
import dev.dockerfilter.policy.PeerPolicySelector.ClientRule;
import dev.dockerfilter.policy.Policy;
import dev.dockerfilter.policy.Presets;
import dev.dockerfilter.redact.Redaction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The configuration the proxy runs with: flags, environment, config file and defaults merged,
 * validated, and turned into listener plans.
 *
 * <p>Each scalar setting comes from the first of: its flag, its {@code DOCKER_FILTER_*} variable,
 * the config file, the default; the upstream and the log level also read Tecnativa's {@code
 * SOCKET_PATH} and {@code LOG_LEVEL} before the default, whatever decides the policy. Listeners
 * come from {@code --listen} (or its variable) if given, else from the file's {@code listeners:},
 * else the default unix socket. The policy of a listener given by {@code --listen} is {@code
 * --preset} if given, else the file's {@code main} policy, else the policy built from Tecnativa's
 * variables when one is set, else {@code read-only}. {@code --preset} also replaces the policy of
 * every file listener (its per-client rules stay).
 *
 * @param proxy the validated settings the proxy and its listeners need
 * @param listeners one plan per listener, in the order of {@code proxy.listeners()}
 * @param policies every policy a listener can select, by name, in first-use order
 * @param logFormat {@code logfmt} or {@code json}
 * @param logLevel {@code debug}, {@code info}, {@code warn} or {@code error}
 * @param policySource where the policies come from, for the start-up log, e.g. {@code preset
 *     traefik} or {@code config file /etc/docker-filter.yaml}
 */
public record Configuration(
    ProxyConfig proxy,
    List<ListenerPlan> listeners,
    Map<String, Policy> policies,
    String logFormat,
    String logLevel,
    String policySource) {

  public Configuration {
    listeners = List.copyOf(listeners);
    policies = Collections.unmodifiableMap(new LinkedHashMap<>(policies));
  }

  /**
   * Merges and validates SOURCES; reads the config file it names.
   *
   * @throws ConfigException saying what is wrong and how to fix it; for a file value, naming the
   *     file, line and key
   */
  public static Configuration resolve(Sources sources) {
    return new Resolver(sources).resolve();
  }

  /** Merges one set of sources. */
  private static final class Resolver {
    private final Sources sources;
    private final Optional<ConfigFile> file;
    private final Map<String, Policy> used = new LinkedHashMap<>();

    Resolver(Sources sources) {
      this.sources = sources;
      this.file =
          sources.configFile().isEmpty()
              ? Optional.empty()
              : Optional.of(ConfigFile.load(Path.of(sources.configFile())));
      sources.explicit().forEach(Resolver::checkExplicit);
    }

    Configuration resolve() {
      // --preset, the file's main policy, Tecnativa's variables or read-only.
      String defaultPolicy = defaultPolicyName();

      // --listen, the file's listeners or the default socket, each with its selector.
      List<ListenerPlan> plans = plans(defaultPolicy);

      ProxyConfig proxy = proxyConfig(plans);
      return new Configuration(
          proxy,
          plans,
          used,
          value(Setting.LOG_FORMAT).toLowerCase(Locale.ROOT),
          logLevel(),
          policySource());
    }

    private String defaultPolicyName() {
      if (!sources.preset().isEmpty()) {
        checkPreset(sources.preset());
        return sources.preset();
      }
      if (file.isPresent()) {
        return file.get().defaultPolicyName();
      }
      if (TecnativaEnv.inUse(sources.environment())) {
        return TecnativaEnv.POLICY_NAME;
      }
      return Presets.READ_ONLY_NAME;
    }

    private List<ListenerPlan> plans(String defaultPolicy) {
      String listen = sources.explicit().get(Setting.LISTEN);
      if (listen == null && file.isPresent() && !file.get().listeners().isEmpty()) {
        return file.get().listeners().stream().map(this::plan).toList();
      }
      String addresses = listen == null ? Setting.LISTEN.defaultValue() : listen;
      List<ListenerPlan> plans = new ArrayList<>();
      for (String address : Setting.splitList(addresses)) {
        Endpoint endpoint = tecnativaListenRewrite(Endpoint.parse(address));
        plans.add(
            new ListenerPlan(
                endpoint,
                PeerPolicySelector.everyone(policy(defaultPolicy)),
                sources.audit(),
                redaction("")));
      }
      return plans;
    }

    private ListenerPlan plan(ListenerDefinition listener) {
      String name = sources.preset().isEmpty() ? listener.policy() : sources.preset();
      Policy listenerPolicy = policy(name);
      List<ClientRule> rules = new ArrayList<>();
      for (ClientDefinition client : listener.clients()) {
        Policy clientPolicy = client.policy().isEmpty() ? listenerPolicy : policy(client.policy());
        rules.add(new ClientRule(client.match(), clientPolicy));
      }
      PeerPolicySelector selector;
      if (rules.isEmpty()) {
        selector = PeerPolicySelector.everyone(listenerPolicy);
      } else if (listener.endpoint() instanceof Endpoint.Tcp) {
        // On TCP anyone who can route to the port is a client: unlisted addresses are refused.
        selector = PeerPolicySelector.refusingOthers(rules);
      } else {
        selector = PeerPolicySelector.withOthers(rules, listenerPolicy);
      }
      return new ListenerPlan(
          listener.endpoint(),
          selector,
          listener.audit() || sources.audit(),
          redaction(listener.redact()));
    }

    /**
     * The redact setting: its flag or variable, else LISTENER_VALUE when the file's listener gives
     * its own, else the file's value, else none. As everywhere, the flag wins over the file.
     */
    private Redaction redaction(String listenerValue) {
      String explicit = sources.explicit().get(Setting.REDACT);
      String secrets =
          explicit != null
              ? explicit
              : listenerValue.isEmpty() ? value(Setting.REDACT) : listenerValue;
      return Redaction.parse(secrets, value(Setting.REDACT_KEEP_ENV));
    }

    private Policy policy(String name) {
      Policy policy = used.get(name);
      if (policy == null) {
        policy = lookUp(name);
        used.put(name, policy);
      }
      return policy;
    }

    private Policy lookUp(String name) {
      if (name.equals(TecnativaEnv.POLICY_NAME) && file.isEmpty()) {
        return TecnativaEnv.policy(sources.environment());
      }
      Optional<Policy> found =
          file.isPresent() ? file.get().policy(name) : Presets.byName(name).map(Policy.class::cast);
      return found.orElseThrow(() -> new ConfigException(unknownPolicy(name)));
    }

    private void checkPreset(String name) {
      boolean known =
          file.isPresent() ? file.get().policy(name).isPresent() : Presets.byName(name).isPresent();
      if (!known) {
        throw new ConfigException(unknownPolicy(name));
      }
    }

    private String unknownPolicy(String name) {
      List<String> known = new ArrayList<>(Presets.names());
      file.ifPresent(f -> known.addAll(f.policies().keySet()));
      return "unknown preset: '"
          + name
          + "' (expected one of: "
          + String.join(", ", known)
          + Suggestions.didYouMean(name, known)
          + ")";
    }

    private ProxyConfig proxyConfig(List<ListenerPlan> plans) {
      try {
        return new ProxyConfig(
            plans.stream().map(ListenerPlan::endpoint).toList(),
            Endpoint.parse(upstream()),
            new ProxyConfig.SocketFile(
                ProxyConfig.SocketFile.parseMode(value(Setting.SOCKET_MODE)),
                value(Setting.SOCKET_GROUP)),
            new ProxyConfig.Limits(
                integer(Setting.MAX_INITIAL_LINE_BYTES),
                integer(Setting.MAX_HEADER_BYTES),
                integer(Setting.MAX_CONNECTIONS)),
            new ProxyConfig.Timeouts(
                duration(Setting.HEADER_READ_TIMEOUT),
                duration(Setting.IDLE_TIMEOUT),
                duration(Setting.UPSTREAM_CONNECT_TIMEOUT),
                duration(Setting.UPSTREAM_HEADER_TIMEOUT)),
            duration(Setting.SHUTDOWN_GRACE),
            integer(Setting.EVENT_LOOP_THREADS));
      } catch (ConfigException e) {
        throw e;
      } catch (IllegalArgumentException e) {
        throw new ConfigException(e.getMessage(), e);
      }
    }

    /**
     * Flag or variable, then file, then Tecnativa's SOCKET_PATH, DOCKER_HOST, the default.
     * SOCKET_PATH counts whether or not Tecnativa's policy variables do: it names the engine, not
     * what clients may do, so --config and --preset leave it alone.
     */
    private String upstream() {
      Optional<String> given = given(Setting.UPSTREAM);
      if (given.isPresent()) {
        return given.get();
      }
      Optional<String> socketPath = TecnativaEnv.upstream(sources.environment());
      return socketPath.orElseGet(() -> defaultUpstream(sources.environment()));
    }

    /** Flag or variable, then file, then Tecnativa's LOG_LEVEL (always, as SOCKET_PATH), info. */
    private String logLevel() {
      Optional<String> given = given(Setting.LOG_LEVEL);
      if (given.isPresent()) {
        return given.get().toLowerCase(Locale.ROOT);
      }
      return TecnativaEnv.logLevel(sources.environment()).orElse(Setting.LOG_LEVEL.defaultValue());
    }

    private Endpoint tecnativaListenRewrite(Endpoint endpoint) {
      return tecnativa().map(env -> TecnativaEnv.rewriteListener(env, endpoint)).orElse(endpoint);
    }

    /** The environment, when Tecnativa's variables are in force: no --config, no --preset. */
    private Optional<Map<String, String>> tecnativa() {
      boolean inForce =
          file.isEmpty() && sources.preset().isEmpty() && TecnativaEnv.inUse(sources.environment());
      return inForce ? Optional.of(sources.environment()) : Optional.empty();
    }

    private String policySource() {
      if (!sources.preset().isEmpty()) {
        return "preset " + sources.preset();
      }
      if (file.isPresent()) {
        return "config file " + file.get().path();
      }
      if (tecnativa().isPresent()) {
        return "Tecnativa variables " + TecnativaEnv.describe(sources.environment());
      }
      return "default";
    }

    private Optional<String> given(Setting setting) {
      String explicit = sources.explicit().get(setting);
      if (explicit != null) {
        return Optional.of(explicit);
      }
      return file.flatMap(f -> f.setting(setting)).map(ConfigFile.Located::value);
    }

    private String value(Setting setting) {
      return given(setting).orElse(setting.defaultValue());
    }

    private int integer(Setting setting) {
      return Integer.parseInt(value(setting));
    }

    private Duration duration(Setting setting) {
      return Durations.parse(value(setting));
    }

    private static void checkExplicit(Setting setting, String value) {
      try {
        setting.check(value);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(
            "--" + setting.key() + " or " + setting.environmentVariable() + ": " + e.getMessage(),
            e);
      }
    }
  }

  /** DOCKER_HOST when it names a socket we can reach, as the docker CLI reads it. */
  static String defaultUpstream(Map<String, String> environment) {
    String dockerHost = environment.getOrDefault("DOCKER_HOST", "");
    if (dockerHost.startsWith("unix://") || dockerHost.startsWith("tcp://")) {
      return dockerHost;
    }
    return "unix:///var/run/docker.sock";
  }
}
