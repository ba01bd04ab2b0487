package dev.dockerfilter.config;

import dev.dockerfilter.policy.Policy;
import dev.dockerfilter.policy.Presets;
import java.util.Map;
import java.util.Optional;

/** Tecnativa/docker-socket-proxy's environment variables, mapped onto rules. */
final class TecnativaEnv {
  static final String POLICY_NAME = "tecnativa-env";

  private TecnativaEnv() {}

  static boolean inUse(Map<String, String> environment) {
    return false;
  }

  static Policy policy(Map<String, String> environment) {
    return Presets.readOnly();
  }

  static Optional<String> upstream(Map<String, String> environment) {
    return Optional.empty();
  }

  static Optional<String> logLevel(Map<String, String> environment) {
    return Optional.empty();
  }

  static Endpoint rewriteListener(Map<String, String> environment, Endpoint endpoint) {
    return endpoint;
  }

  static String describe(Map<String, String> environment) {
    return "";
  }
}
