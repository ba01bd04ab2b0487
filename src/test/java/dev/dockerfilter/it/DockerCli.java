package dev.dockerfilter.it;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real docker CLI pointed at one address with {@code -H}: {@code /usr/local/bin/docker} when
 * the machine has it, else {@code docker} on PATH (Debian's docker.io brings one).
 *
 * <p>Each run has a hard timeout and ends with SIGKILL, because some commands ({@code docker stats}
 * without {@code --no-stream}) ignore SIGTERM. It runs with an empty configuration directory and no
 * DOCKER_* variables but those a test sets ({@link #withVariable}), so the developer's contexts
 * cannot redirect it.
 */
final class DockerCli {
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private static final Path PREFERRED_BINARY = Path.of("/usr/local/bin/docker");

  private final String host;
  private final Map<String, String> variables;

  DockerCli(String host) {
    this(host, Map.of());
  }

  private DockerCli(String host, Map<String, String> variables) {
    this.host = host;
    this.variables = Map.copyOf(variables);
  }

  static DockerCli direct(Engine engine) {
    return new DockerCli(engine.uri());
  }

  static DockerCli through(ProxyProcess proxy) {
    return new DockerCli(proxy.address());
  }

  String host() {
    return host;
  }

  /** This CLI with NAME=VALUE in its environment, e.g. {@code DOCKER_BUILDKIT=0}. */
  DockerCli withVariable(String name, String value) {
    Map<String, String> more = new HashMap<>(variables);
    more.put(name, value);
    return new DockerCli(host, more);
  }

  /** Runs {@code docker -H <host> ARGS} to its end, or kills it after TIMEOUT. */
  Result run(Duration timeout, String... args) {
    try (Running running = start(args)) {
      return running.awaitExit(timeout);
    }
  }

  Result run(String... args) {
    return run(DEFAULT_TIMEOUT, args);
  }

  /** Starts {@code docker -H <host> ARGS} and returns at once, for commands that stream. */
  Running start(String... args) {
    try {
      Path dir = Files.createTempDirectory("docker-cli-");
      Files.createDirectory(dir.resolve("config"));
      List<String> command = new ArrayList<>();
      command.add(Files.isExecutable(PREFERRED_BINARY) ? PREFERRED_BINARY.toString() : "docker");
      command.add("-H");
      command.add(host);
      command.addAll(List.of(args));
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(dir.resolve("stdout").toFile())
              .redirectError(dir.resolve("stderr").toFile());
      builder.environment().keySet().removeIf(n -> n.startsWith("DOCKER_"));
      builder.environment().put("DOCKER_CONFIG", dir.resolve("config").toString());
      builder.environment().putAll(variables);
      return new Running(command, builder.start(), dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the docker CLI", e);
    }
  }

  /** What one CLI run printed and how it ended; exit code -1 when it was killed at timeout. */
  record Result(
      List<String> command, int exitCode, String stdout, String stderr, boolean timedOut) {
    Result {
      command = List.copyOf(command);
    }

    /** Lines of stderr that contain TEXT. */
    List<String> stderrLinesContaining(String text) {
      return stderr.lines().filter(l -> l.contains(text)).toList();
    }

    @Override
    public String toString() {
      return String.join(" ", command)
          + (timedOut ? "\n(killed at timeout)" : "\nexit code " + exitCode)
          + "\nstdout:\n"
          + stdout
          + "\nstderr:\n"
          + stderr;
    }
  }

  /** A CLI process still running; closing it kills it and deletes its files. */
  static final class Running implements AutoCloseable {
    private final List<String> command;
    private final Process process;
    private final Path dir;

    private Running(List<String> command, Process process, Path dir) {
      this.command = List.copyOf(command);
      this.process = process;
      this.dir = dir;
    }

    String stdout() {
      return read("stdout");
    }

    String stderr() {
      return read("stderr");
    }

    boolean isAlive() {
      return process.isAlive();
    }

    /** Waits until stdout contains TEXT; fails with what was printed if it does not. */
    void awaitStdout(String text, Duration timeout) {
      Poll.await(
          timeout, () -> stdout().contains(text), "'" + text + "' on stdout", this::describe);
    }

    /** Waits for the process to end by itself; kills it at TIMEOUT. */
    Result awaitExit(Duration timeout) {
      boolean exited;
      try {
        exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!exited) {
          process.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return new Result(command, exited ? process.exitValue() : -1, stdout(), stderr(), !exited);
    }

    /** Kills the process (SIGKILL) and returns what it printed. */
    Result kill() {
      process.destroyForcibly();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new Result(command, process.exitValue(), stdout(), stderr(), true);
    }

    private String describe() {
      return String.join(" ", command) + "\nstdout:\n" + stdout() + "\nstderr:\n" + stderr();
    }

    private String read(String name) {
      try {
        return Files.readString(dir.resolve(name));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() {
      if (process.isAlive()) {
        process.destroyForcibly();
        try {
          process.waitFor();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      try {
        Project.deleteTree(dir);
      } catch (IOException e) {
        fail("cannot delete %s: %s", dir, e);
      }
    }
  }
}
