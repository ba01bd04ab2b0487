package dev.dockerfilter.config;

import java.util.Map;
import java.util.Objects;

/**
 * Everything a configuration is made from, as given at start: values from flags or their variables,
 * the config file and preset named, and the whole environment (for {@code DOCKER_HOST} and
 * Tecnativa's variables). Resolving the same sources again re-reads the file, which is how a reload
 * sees the new file with the same flags.
 *
 * @param explicit settings given by a flag or a {@code DOCKER_FILTER_*} variable
 * @param configFile the {@code --config} path, or "" for none
 * @param preset the {@code --preset} name, or "" for none
 * @param audit {@code --audit}: every listener forwards what it would deny and logs it
 * @param environment the process environment
 */
public record Sources(
    Map<Setting, String> explicit,
    String configFile,
    String preset,
    boolean audit,
    Map<String, String> environment) {

  public Sources {
    explicit = Map.copyOf(explicit);
    Objects.requireNonNull(configFile, "configFile");
    Objects.requireNonNull(preset, "preset");
    environment = Map.copyOf(environment);
  }
}
