package dev.dockerfilter.config;

import dev.dockerfilter.redact.Redaction;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A scalar setting that a flag, an environment variable or a config file can give, under one name:
 * the flag {@code --max-connections}, the variable {@code DOCKER_FILTER_MAX_CONNECTIONS} and the
 * file key {@code max-connections}. A flag wins over its variable, which wins over the file, which
 * wins over the default.
 */
public enum Setting {
  LISTEN("listen", "unix:///var/run/docker-filter/docker.sock"),
  UPSTREAM("upstream", ""),
  SOCKET_MODE("socket-mode", "0660"),
  SOCKET_GROUP("socket-group", ""),
  HEADER_READ_TIMEOUT("header-read-timeout", "10s"),
  IDLE_TIMEOUT("idle-timeout", "60s"),
  UPSTREAM_CONNECT_TIMEOUT("upstream-connect-timeout", "5s"),
  UPSTREAM_HEADER_TIMEOUT("upstream-header-timeout", "5m"),
  SHUTDOWN_GRACE("shutdown-grace", "5s"),
  MAX_INITIAL_LINE_BYTES("max-initial-line-bytes", "8192"),
  MAX_HEADER_BYTES("max-header-bytes", "16384"),
  MAX_CONNECTIONS("max-connections", "1024"),
  EVENT_LOOP_THREADS("event-loop-threads", "1"),
  LOG_FORMAT("log-format", "logfmt"),
  LOG_LEVEL("log-level", "info"),
  REDACT("redact", "none"),
  REDACT_KEEP_ENV("redact-keep-env", "");

  private final String key;
  private final String defaultValue;

  Setting(String key, String defaultValue) {
    this.key = key;
    this.defaultValue = defaultValue;
  }

  /** The flag name without its dashes, and the config file key, e.g. {@code idle-timeout}. */
  public String key() {
    return key;
  }

  /** The environment variable, e.g. {@code DOCKER_FILTER_IDLE_TIMEOUT}. */
  public String environmentVariable() {
    return "DOCKER_FILTER_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /** The built-in value, e.g. {@code 60s}; "" when it is computed (the upstream). */
  public String defaultValue() {
    return defaultValue;
  }

  /** Whether a config file may give it; listeners are given as {@code listeners:} instead. */
  public boolean inFile() {
    return this != LISTEN;
  }

  /** The setting whose file key is KEY. */
  public static Optional<Setting> byKey(String key) {
    for (Setting setting : values()) {
      if (setting.key.equals(key)) {
        return Optional.of(setting);
      }
    }
    return Optional.empty();
  }

  /**
   * Checks a value's form and range.
   *
   * @throws IllegalArgumentException {@code <what is wrong>: '<value>' (<expected>)}, without the
   *     setting's name, which the caller puts first
   */
  public void check(String value) {
    switch (this) {
      case LISTEN -> splitList(value).forEach(Endpoint::parse);
      case UPSTREAM -> Endpoint.parse(value);
      case SOCKET_MODE -> ProxyConfig.SocketFile.parseMode(value);
      case SOCKET_GROUP -> {
        // Any name: the listener resolves it and says when the group does not exist.
      }
      case HEADER_READ_TIMEOUT, IDLE_TIMEOUT, UPSTREAM_CONNECT_TIMEOUT -> positive(value);
      case UPSTREAM_HEADER_TIMEOUT, SHUTDOWN_GRACE -> Durations.parse(value);
      case MAX_INITIAL_LINE_BYTES -> intInRange(value, 256, 1 << 20);
      case MAX_HEADER_BYTES -> intInRange(value, 1024, 1 << 20);
      case MAX_CONNECTIONS -> intInRange(value, 1, 1 << 20);
      case EVENT_LOOP_THREADS -> intInRange(value, 1, 64);
      case LOG_FORMAT -> oneOf(value, List.of("logfmt", "json"));
      case LOG_LEVEL -> oneOf(value, List.of("debug", "info", "warn", "error"));
      case REDACT -> Redaction.parseSecrets(value);
      case REDACT_KEEP_ENV -> Redaction.parseEnvNames(value);
    }
  }

  /** {@code a, b,c} -> [a, b, c]: the form of a list in a flag or a variable. */
  static List<String> splitList(String value) {
    return List.of(value.split(",", -1)).stream().map(String::trim).toList();
  }

  private void positive(String value) {
    Duration duration = Durations.parse(value);
    if (duration.isZero()) {
      throw new IllegalArgumentException("must be positive: '" + value + "' (e.g. 10s)");
    }
  }

  private void intInRange(String value, int min, int max) {
    long number;
    try {
      number = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "not a whole number: '" + value + "' (expected " + min + " to " + max + ")");
    }
    if (number < min || number > max) {
      throw new IllegalArgumentException(
          "out of range: '" + value + "' (expected " + min + " to " + max + ")");
    }
  }

  private void oneOf(String value, List<String> choices) {
    if (!choices.contains(value.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException(
          "unknown value: '" + value + "' (expected " + String.join(", ", choices) + ")");
    }
  }
}
