package dev.dockerfilter.it;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The real proxy, {@code java -jar target/docker-filter.jar}, run as a child process in a temporary
 * directory of its own. By default it listens on {@code unix://<dir>/docker.sock} and forwards to
 * the test engine. Its stdout and stderr go to one file, for assertions on the log and for failure
 * messages.
 */
final class ProxyProcess implements AutoCloseable {
  static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
  static final Duration EXIT_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration LOG_WAIT = Duration.ofSeconds(10);

  /** A small heap like the launcher's: tests run several proxies one after another. */
  private static final List<String> JVM_FLAGS =
      List.of("-XX:+UseSerialGC", "-Xms16m", "-Xmx64m", "-Dio.netty.allocator.type=unpooled");

  /**
   * Directories and processes of every launch, for a last clean-up when the test JVM exits: a test
   * that fails between launching a proxy and closing it must not leave either behind.
   */
  private static final Set<Path> DIRS = ConcurrentHashMap.newKeySet();

  private static final Set<Process> PROCESSES = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(ProxyProcess::cleanUpAll, "proxy-clean-up"));
  }

  private final Process process;
  private final Path dir;
  private final Path output;
  private final String listen;
  private final List<String> command;

  private ProxyProcess(Process process, Path dir, Path output, String listen, List<String> cmd) {
    this.process = process;
    this.dir = dir;
    this.output = output;
    this.listen = listen;
    this.command = List.copyOf(cmd);
    PROCESSES.add(process);
  }

  /** A proxy in front of ENGINE with OPTIONS added, ready to serve. */
  static ProxyProcess start(Engine engine, String... options) throws IOException {
    return builder(engine).options(options).start();
  }

  static Builder builder(Engine engine) throws IOException {
    return new Builder(engine);
  }

  /** The address clients use: the listener, with an all-interfaces host read as loopback. */
  String address() {
    return listen.replace("tcp://0.0.0.0:", "tcp://127.0.0.1:");
  }

  /** The socket file of a unix listener. */
  Path socket() {
    if (!listen.startsWith("unix://")) {
      throw new IllegalStateException("Not a unix listener: '" + listen + "'");
    }
    return Path.of(listen.substring("unix://".length()));
  }

  Path dir() {
    return dir;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Whether the proxy answers {@code GET /_ping} now. */
  boolean answersPing() {
    try {
      return RawHttp.exchange(address(), RawHttp.request("GET", "/_ping", null), READY_TIMEOUT)
              .status()
          == 200;
    } catch (IOException e) {
      return false;
    }
  }

  /** Polls {@code GET /_ping} until it answers 200; fails if the process exits first. */
  ProxyProcess awaitReady() {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (answersPing()) {
        return this;
      }
      if (!process.isAlive()) {
        fail("The proxy exited with %d before it was ready%n%s", process.exitValue(), describe());
      }
      Poll.sleep(Duration.ofMillis(50));
    }
    fail("The proxy did not answer GET /_ping within %s%n%s", READY_TIMEOUT, describe());
    return this;
  }

  /** Waits for the process to exit by itself and returns its exit code. */
  int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        fail("The proxy did not exit within %s; killed it%n%s", timeout, describe());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return process.exitValue();
  }

  /** Sends SIGTERM without waiting. */
  void terminate() {
    process.destroy();
  }

  /** Sends SIGTERM and returns the exit code. */
  int stop() {
    terminate();
    return awaitExit(EXIT_TIMEOUT);
  }

  /** Sends SIGKILL, as a crash or an OOM killer would, and waits for the process to go. */
  void kill9() {
    process.destroyForcibly();
    awaitExit(EXIT_TIMEOUT);
  }

  /** Everything the proxy wrote to stdout and stderr so far. */
  String output() {
    try {
      return Files.readString(output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The output once it holds every one of TEXTS. An access line is written just after the last byte
   * of its answer goes out, so a client can see the answer a moment before the line exists.
   */
  String awaitOutput(String... texts) {
    Poll.await(
        LOG_WAIT,
        () -> {
          String now = output();
          return Arrays.stream(texts).allMatch(now::contains);
        },
        "proxy output holding " + String.join(" and ", texts),
        this::describe);
    return output();
  }

  List<String> outputLines() {
    return output().lines().toList();
  }

  /** The command line and the output, for failure messages. */
  String describe() {
    return "proxy command: " + String.join(" ", command) + "\nproxy output:\n" + output();
  }

  /** Stops the process if it still runs and deletes its directory. */
  @Override
  public void close() throws IOException {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Project.deleteTree(dir);
    PROCESSES.remove(process);
    DIRS.remove(dir);
  }

  private static void cleanUpAll() {
    PROCESSES.forEach(Process::destroyForcibly);
    for (Path dir : DIRS) {
      try {
        Project.deleteTree(dir);
      } catch (IOException e) {
        System.err.println("Cannot delete " + dir + ": " + e);
      }
    }
  }

  /** How to launch one proxy. */
  static final class Builder {
    private final Engine engine;
    private final Path dir;
    private final List<String> listens = new ArrayList<>();
    private final List<String> options = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private String umask;
    private boolean listenFlags = true;

    private Builder(Engine engine) throws IOException {
      this.engine = engine;
      // Under /tmp, not a deep build directory: unix socket paths must stay under 108 bytes.
      this.dir = Files.createTempDirectory(Path.of("/tmp"), "df-it-");
      DIRS.add(dir);
    }

    /** The proxy's own directory, where the default socket and the output file live. */
    Path dir() {
      return dir;
    }

    /** A listener instead of the default {@code unix://<dir>/docker.sock}; repeatable. */
    Builder listen(String uri) {
      listens.add(uri);
      return this;
    }

    /**
     * Waits on {@code uri} but passes no {@code --listen}: the listeners come from a config file,
     * which a {@code --listen} would replace.
     */
    Builder listenersFromConfig(String uri) {
      listens.add(uri);
      listenFlags = false;
      return this;
    }

    Builder options(String... more) {
      options.addAll(List.of(more));
      return this;
    }

    Builder environment(String name, String value) {
      environment.put(name, value);
      return this;
    }

    /** Launches through {@code sh -c 'umask UMASK; exec java ...'}. */
    Builder umask(String value) {
      this.umask = value;
      return this;
    }

    /** Launches and waits until the proxy answers {@code GET /_ping}. */
    ProxyProcess start() throws IOException {
      ProxyProcess proxy = launch();
      try {
        return proxy.awaitReady();
      } catch (RuntimeException | Error e) {
        // The failure message already holds the output; leave no process or directory behind.
        proxy.close();
        throw e;
      }
    }

    /** Launches without waiting, for proxies expected to fail. */
    ProxyProcess launch() throws IOException {
      if (listens.isEmpty()) {
        listens.add("unix://" + dir.resolve("docker.sock"));
      }
      List<String> command = command();
      Path output = dir.resolve("proxy.log");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      // Settings from the developer's shell must not reach the proxy under test; Tecnativa's
      // SOCKET_PATH and LOG_LEVEL count whatever the policy.
      builder.environment().keySet().removeIf(n -> n.startsWith("DOCKER_"));
      builder.environment().keySet().removeAll(List.of("SOCKET_PATH", "LOG_LEVEL"));
      builder.environment().putAll(environment);
      return new ProxyProcess(builder.start(), dir, output, listens.get(0), command);
    }

    private List<String> command() {
      List<String> command = new ArrayList<>();
      if (umask != null) {
        // exec keeps the pid: SIGTERM from the test reaches the JVM, not the shell.
        command.addAll(List.of("sh", "-c", "umask " + umask + " && exec \"$0\" \"$@\""));
      }
      command.add(Project.java());
      command.addAll(JVM_FLAGS);
      command.add("-jar");
      command.add(Project.jar().toString());
      for (String listen : listenFlags ? listens : List.<String>of()) {
        command.add("--listen");
        command.add(listen);
      }
      command.add("--upstream");
      command.add(engine.uri());
      command.addAll(options);
      return command;
    }
  }
}
