package dev.dockerfilter.config;

/**
 * A configuration that cannot be used. The message says what is wrong and how to fix it; for a
 * value read from a config file it starts with {@code <file>:<line>:<column>: <key>: }.
 */
public final class ConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
