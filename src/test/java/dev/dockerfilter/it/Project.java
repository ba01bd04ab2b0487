package dev.dockerfilter.it;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Where the build under test lives: the project root, the packaged jar, the dev scripts. */
final class Project {
  private Project() {}

  /** The project root; Maven's plugins set {@code basedir} and start tests there. */
  static Path root() {
    return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
  }

  /** The jar {@code mvn package} builds; failsafe runs after it, so it must exist. */
  static Path jar() {
    Path jar = root().resolve("target/docker-filter.jar");
    if (!Files.isRegularFile(jar)) {
      fail("No jar at '%s': run the integration tests with dev/test (mvn verify packages it)", jar);
    }
    return jar;
  }

  static Path devScript(String name) {
    return root().resolve("dev").resolve(name);
  }

  /** The java that runs the tests, so that the proxy runs on the same JDK. */
  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Deletes ROOT and everything below it; a missing ROOT is fine. */
  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
