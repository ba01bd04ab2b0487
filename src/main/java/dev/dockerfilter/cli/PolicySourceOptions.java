package dev.dockerfilter.cli;

import dev.dockerfilter.config.Setting;
import dev.dockerfilter.config.Sources;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code --config} and {@code --preset}, which every command takes: before the subcommand name or
 * after it, both set the same fields.
 */
final class PolicySourceOptions {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      scope = ScopeType.INHERIT,
      defaultValue = "${env:DOCKER_FILTER_CONFIG}",
      description =
          "A YAML config file: listeners, per-client rules, policies, settings"
              + " (see docs/policy.md). Flags and their variables win over it.")
  String configFile;

  @Option(
      names = {"--preset", "--policy"},
      paramLabel = "NAME",
      scope = ScopeType.INHERIT,
      defaultValue = "${env:DOCKER_FILTER_PRESET}",
      description =
          "The policy of every listener: read-only (the default), traefik, datadog, dashboard,"
              + " exporter or updater; with --config also a policy the file defines.")
  String preset;

  Sources sources(Map<Setting, String> explicit, boolean audit, Map<String, String> environment) {
    return new Sources(explicit, orEmpty(configFile), orEmpty(preset), audit, environment);
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value.trim();
  }
}
