import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark harness: the engine socket direct, docker-filter and HAProxy (configured like the
 * seed) measured side by side in interleaved rounds, over unix sockets. Run it with bench/run,
 * which documents the options; it writes a markdown report to bench/results/ and prints it.
 *
 * <p>A single-file program (java bench/Bench.java), with no dependency beyond the JDK, h2load and
 * haproxy.
 */
public final class Bench {
  private static final long CLOCK_TICKS_PER_SECOND = 100;

  // --- settings ------------------------------------------------------------------------------

  record Settings(
      Path root,
      Path work,
      String engine,
      int rounds,
      int pingRequests,
      int[] pingClients,
      int listRequests,
      int runningContainers,
      int newConnectionRequests,
      int streams,
      int burst,
      int startupRuns,
      boolean tiny) {

    static Settings parse(String[] args) {
      Map<String, String> options = new LinkedHashMap<>();
      boolean tiny = false;
      for (int i = 0; i < args.length; i++) {
        if (args[i].equals("--tiny")) {
          tiny = true;
        } else if (args[i].startsWith("--") && i + 1 < args.length) {
          options.put(args[i].substring(2), args[++i]);
        } else {
          throw new IllegalArgumentException("unknown argument: '" + args[i] + "'");
        }
      }
      Path root = Path.of(options.getOrDefault("root", ".")).toAbsolutePath().normalize();
      return new Settings(
          root,
          Path.of(options.getOrDefault("work", "/tmp/df-bench")),
          required(options, "engine"),
          intOption(options, "rounds", tiny ? 1 : 3),
          intOption(options, "ping-requests", tiny ? 200 : 20_000),
          tiny ? new int[] {1, 4} : new int[] {1, 4, 16, 64},
          intOption(options, "list-requests", tiny ? 100 : 5_000),
          intOption(options, "containers", tiny ? 1 : 10),
          intOption(options, "new-connection-requests", tiny ? 100 : 5_000),
          intOption(options, "streams", tiny ? 20 : 1_000),
          intOption(options, "burst", tiny ? 2 : 5),
          intOption(options, "startup-runs", tiny ? 1 : 5),
          tiny);
    }

    private static String required(Map<String, String> options, String name) {
      String value = options.get(name);
      if (value == null) {
        throw new IllegalArgumentException("missing --" + name);
      }
      return value;
    }

    private static int intOption(Map<String, String> options, String name, int fallback) {
      return options.containsKey(name) ? Integer.parseInt(options.get(name)) : fallback;
    }
  }

  /** One of the three ways to the engine. */
  interface Target extends AutoCloseable {
    String name();

    Path socket();

    /** The process serving the socket, for CPU and memory; 0 when we did not start it. */
    long pid();

    @Override
    void close();
  }

  public static void main(String[] args) throws Exception {
    Settings settings = Settings.parse(args);
    Files.createDirectories(settings.work());
    Bench bench = new Bench(settings);
    try {
      bench.run();
    } finally {
      bench.cleanUp();
    }
  }

  // --- state ---------------------------------------------------------------------------------

  private final Settings settings;
  private final Path engineSocket;
  private final List<String> containers = new ArrayList<>();
  private final List<Target> targets = new ArrayList<>();

  /** scenario -> target -> samples of one measure. */
  private final Map<String, Map<String, List<Sample>>> results = new LinkedHashMap<>();

  private final Map<String, String> resources = new TreeMap<>();
  private final Map<String, Double> startup = new LinkedHashMap<>();

  record Sample(double requestsPerSecond, double p50Millis, double p99Millis, double cpuPer10k) {}

  private Bench(Settings settings) {
    this.settings = settings;
    this.engineSocket = Path.of(settings.engine().replaceFirst("^unix://", ""));
  }

  private void run() throws Exception {
    log("engine " + settings.engine() + "; " + (settings.tiny() ? "tiny run" : "full run"));
    startContainers();
    measureStartup();
    targets.add(new Direct(engineSocket));
    targets.add(DockerFilter.start(settings, engineSocket));
    targets.add(HaProxy.start(settings, engineSocket));
    for (Target target : targets) {
      awaitPing(target.socket(), Duration.ofSeconds(10));
      if (target.pid() != 0) {
        resources.put(target.name() + " RSS idle", rss(target.pid()));
      }
    }

    for (int round = 1; round <= settings.rounds(); round++) {
      log("round " + round + " of " + settings.rounds());
      for (int clients : settings.pingClients()) {
        measureEach("/_ping c=" + clients, t -> h2load(t, settings.pingRequests(), clients, "/_ping"),
            round);
      }
      String list = "/v1.41/containers/json";
      measureEach(
          list + " c=4 (" + settings.runningContainers() + " running)",
          t -> h2load(t, settings.listRequests(), 4, list),
          round);
      measureEach(
          "new connection per /_ping c=4",
          t -> newConnections(t, settings.newConnectionRequests(), 4),
          round);
    }
    for (Target target : targets) {
      if (target.pid() != 0) {
        resources.put(target.name() + " RSS peak under load", mib(rssKib(target.pid(), "VmHWM")));
      }
    }
    for (Target target : targets) {
      measureStreams(target);
    }
    String report = report();
    Path out =
        settings.root()
            .resolve("bench/results")
            .resolve(
                (settings.tiny() ? "tiny-" : "")
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                    + ".md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report);
    System.out.println(report);
    log("wrote " + out);
  }

  interface Measure {
    Sample on(Target target) throws Exception;
  }

  /** Runs MEASURE on every target, starting with a different one each round. */
  private void measureEach(String scenario, Measure measure, int round) throws Exception {
    for (int i = 0; i < targets.size(); i++) {
      Target target = targets.get((i + round - 1) % targets.size());
      Sample sample = measure.on(target);
      results
          .computeIfAbsent(scenario, s -> new LinkedHashMap<>())
          .computeIfAbsent(target.name(), n -> new ArrayList<>())
          .add(sample);
      log(String.format(Locale.ROOT, "  %-40s %-14s %9.0f req/s  p50 %.3f ms  p99 %.3f ms",
          scenario, target.name(), sample.requestsPerSecond(), sample.p50Millis(),
          sample.p99Millis()));
    }
  }

  // --- h2load --------------------------------------------------------------------------------

  private Sample h2load(Target target, int requests, int clients, String path) throws Exception {
    Path log = settings.work().resolve("h2load-requests.tsv");
    Path out = settings.work().resolve("h2load-out.txt");
    Files.deleteIfExists(log);
    long cpuBefore = cpuTicks(target.pid());
    int exit =
        runProcess(
            List.of(
                "h2load", "--h1", "-n", Integer.toString(requests), "-c", Integer.toString(clients),
                "-B", "unix:" + target.socket(), "--log-file=" + log, "http://docker" + path),
            out,
            Duration.ofMinutes(5));
    long cpuAfter = cpuTicks(target.pid());
    String text = Files.readString(out);
    Matcher ok = Pattern.compile("status codes: (\\d+) 2xx").matcher(text);
    if (exit != 0 || !ok.find() || Integer.parseInt(ok.group(1)) != requests) {
      throw new IllegalStateException("h2load on " + target.name() + " " + path + ":\n" + text);
    }
    Matcher rate = Pattern.compile("finished in [0-9.]+m?s, ([0-9.]+) req/s").matcher(text);
    if (!rate.find()) {
      throw new IllegalStateException("no rate in h2load output:\n" + text);
    }
    long[] micros =
        Files.readAllLines(log).stream()
            .map(line -> line.split("\t"))
            .filter(columns -> columns.length >= 3)
            .mapToLong(columns -> Long.parseLong(columns[2].trim()))
            .sorted()
            .toArray();
    double cpu = target.pid() == 0 ? Double.NaN : cpuSeconds(cpuAfter - cpuBefore) * 10_000 / requests;
    return new Sample(
        Double.parseDouble(rate.group(1)),
        percentile(micros, 50) / 1000.0,
        percentile(micros, 99) / 1000.0,
        cpu);
  }

  // --- a new connection per request ----------------------------------------------------------

  private Sample newConnections(Target target, int requests, int threads) throws Exception {
    long[] nanos = new long[requests];
    AtomicInteger next = new AtomicInteger();
    List<Thread> workers = new ArrayList<>();
    List<Exception> failures = new ArrayList<>();
    byte[] request = "GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII);
    long cpuBefore = cpuTicks(target.pid());
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      Thread worker = new Thread(() -> {
        ByteBuffer in = ByteBuffer.allocate(4096);
        int i;
        while ((i = next.getAndIncrement()) < requests) {
          long begin = System.nanoTime();
          try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(target.socket()));
            channel.write(ByteBuffer.wrap(request));
            in.clear();
            while (channel.read(in) >= 0) {
              if (!in.hasRemaining()) {
                in.clear();
              }
            }
            if (in.position() < 12 || in.get(9) != '2') {
              throw new IOException("not a 2xx answer");
            }
          } catch (IOException e) {
            synchronized (failures) {
              failures.add(e);
            }
            return;
          }
          nanos[i] = System.nanoTime() - begin;
        }
      });
      worker.start();
      workers.add(worker);
    }
    for (Thread worker : workers) {
      worker.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long cpuAfter = cpuTicks(target.pid());
    if (!failures.isEmpty()) {
      throw new IllegalStateException("new connections to " + target.name(), failures.get(0));
    }
    long[] sorted = Arrays.stream(nanos).sorted().toArray();
    double cpu = target.pid() == 0 ? Double.NaN : cpuSeconds(cpuAfter - cpuBefore) * 10_000 / requests;
    return new Sample(requests / seconds, percentile(sorted, 50) / 1e6, percentile(sorted, 99) / 1e6,
        cpu);
  }

  // --- a thousand event streams --------------------------------------------------------------

  private void measureStreams(Target target) throws Exception {
    String label = "bench-" + System.nanoTime();
    String filters = java.net.URLEncoder.encode("{\"label\":[\"df-bench=" + label + "\"]}",
        StandardCharsets.UTF_8);
    byte[] request = ("GET /v1.41/events?filters=" + filters + " HTTP/1.1\r\nHost: docker\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    int count = settings.streams();
    try (Selector selector = Selector.open()) {
      List<SocketChannel> channels = new ArrayList<>();
      List<ByteArrayOutputStream> received = new ArrayList<>();
      long[] doneAt = new long[count];
      try {
        for (int i = 0; i < count; i++) {
          SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
          channel.connect(UnixDomainSocketAddress.of(target.socket()));
          channel.write(ByteBuffer.wrap(request));
          channel.configureBlocking(false);
          channel.register(selector, SelectionKey.OP_READ, i);
          channels.add(channel);
          received.add(new ByteArrayOutputStream());
        }
        pump(selector, received, doneAt, "HTTP/1.1 200", 1, Duration.ofSeconds(60), 0);
        String rss = target.pid() == 0 ? "-" : rss(target.pid());
        Arrays.fill(doneAt, 0);
        long burstStart = System.nanoTime();
        for (int i = 0; i < settings.burst(); i++) {
          createContainer("bench-burst-" + label + "-" + i, label, false);
        }
        int complete = pump(selector, received, doneAt, "\"Action\":\"create\"", settings.burst(),
            Duration.ofSeconds(60), burstStart);
        long[] latencies = Arrays.stream(doneAt).filter(t -> t > 0).map(t -> t - burstStart)
            .sorted().toArray();
        results
            .computeIfAbsent(count + " event streams: burst of " + settings.burst()
                + " delivered to all", s -> new LinkedHashMap<>())
            .computeIfAbsent(target.name(), n -> new ArrayList<>())
            .add(new Sample(Double.NaN, percentile(latencies, 50) / 1e6,
                percentile(latencies, 99) / 1e6, Double.NaN));
        if (target.pid() != 0) {
          resources.put(target.name() + " RSS with " + count + " streams", rss);
        }
        if (complete < count) {
          resources.put(target.name() + " streams missing events", Integer.toString(count - complete));
        }
        log(String.format(Locale.ROOT, "  %d streams via %-14s all events to %d; RSS %s",
            count, target.name(), complete, rss));
      } finally {
        for (SocketChannel channel : channels) {
          channel.close();
        }
        for (int i = 0; i < settings.burst(); i++) {
          removeContainer("bench-burst-" + label + "-" + i);
        }
      }
    }
  }

  /** Reads until every stream has MARKER TIMES times; returns how many do. */
  private static int pump(Selector selector, List<ByteArrayOutputStream> received, long[] doneAt,
      String marker, int times, Duration timeout, long since) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    long deadline = System.nanoTime() + timeout.toNanos();
    int done = 0;
    while (done < received.size() && System.nanoTime() < deadline) {
      selector.select(50);
      for (SelectionKey key : selector.selectedKeys()) {
        int i = (Integer) key.attachment();
        buffer.clear();
        int n = ((SocketChannel) key.channel()).read(buffer);
        if (n < 0) {
          key.cancel();
          continue;
        }
        received.get(i).write(buffer.array(), 0, n);
      }
      selector.selectedKeys().clear();
      done = 0;
      for (int i = 0; i < received.size(); i++) {
        if (doneAt[i] == 0 && count(received.get(i).toString(StandardCharsets.ISO_8859_1), marker)
            >= times) {
          doneAt[i] = System.nanoTime();
        }
        if (doneAt[i] != 0) {
          done++;
        }
      }
    }
    return done;
  }

  private static int count(String text, String marker) {
    int n = 0;
    for (int at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + 1)) {
      n++;
    }
    return n;
  }

  // --- start-up time -------------------------------------------------------------------------

  private void measureStartup() throws Exception {
    for (String name : List.of("docker-filter", "haproxy")) {
      double[] seconds = new double[settings.startupRuns()];
      for (int i = 0; i < seconds.length; i++) {
        long start = System.nanoTime();
        try (Target target = name.equals("docker-filter")
            ? DockerFilter.start(settings, engineSocket)
            : HaProxy.start(settings, engineSocket)) {
          awaitPing(target.socket(), Duration.ofSeconds(20));
          seconds[i] = (System.nanoTime() - start) / 1e9;
        }
      }
      Arrays.sort(seconds);
      startup.put(name, seconds[seconds.length / 2]);
      log(String.format(Locale.ROOT, "start to first answer, %s: %.3f s (median of %d)", name,
          startup.get(name), seconds.length));
    }
  }

  /** Polls GET /_ping every 2 ms until it answers 200. */
  static void awaitPing(Path socket, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    byte[] request = "GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII);
    while (System.nanoTime() < deadline) {
      try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        channel.connect(UnixDomainSocketAddress.of(socket));
        channel.write(ByteBuffer.wrap(request));
        ByteBuffer in = ByteBuffer.allocate(1024);
        while (in.position() < 12 && channel.read(in) >= 0) {
          // read the status line
        }
        if (in.position() >= 12 && new String(in.array(), 0, 12, StandardCharsets.US_ASCII)
            .endsWith("200")) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(2);
    }
    throw new IllegalStateException("no 200 for GET /_ping on " + socket + " within " + timeout);
  }

  // --- the targets ---------------------------------------------------------------------------

  record Direct(Path socket) implements Target {
    @Override
    public String name() {
      return "direct";
    }

    @Override
    public long pid() {
      return 0;
    }

    @Override
    public void close() {}
  }

  record Launched(String name, Path socket, Process process) implements Target {
    @Override
    public long pid() {
      return process.pid();
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static final class DockerFilter {
    static Target start(Settings settings, Path engine) throws IOException {
      Path socket = settings.work().resolve("docker-filter.sock");
      Process process =
          new ProcessBuilder(
                  settings.root().resolve("bin/docker-filter").toString(),
                  "--listen", "unix://" + socket,
                  "--upstream", "unix://" + engine,
                  "--max-connections", "4096",
                  "--log-level", "warn")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(
                  settings.work().resolve("docker-filter.log").toFile()))
              .start();
      return new Launched("docker-filter", socket, process);
    }
  }

  static final class HaProxy {
    static Target start(Settings settings, Path engine) throws IOException {
      Path socket = settings.work().resolve("haproxy.sock");
      Files.deleteIfExists(socket);
      Path lists = settings.root().resolve("bench/haproxy");
      Path config = settings.work().resolve("haproxy.cfg");
      Files.writeString(config, String.join("\n",
          "# Written by bench/Bench.java: the seed's rules (GET/HEAD and its path allowlist).",
          "global",
          "  maxconn 8192",
          "  nbthread 1",
          "defaults",
          "  mode http",
          "  timeout connect 500ms",
          "  timeout client 1d",
          "  timeout client-fin 5s",
          "  timeout server 5s",
          "frontend docker",
          "  bind unix@" + socket + " mode 666",
          "  acl valid-url path_reg -f " + lists.resolve("url-allowlist.lst"),
          "  acl long-url path_reg -f " + lists.resolve("long-requests-allowlist.lst"),
          "  http-request deny unless METH_GET valid-url",
          "  use_backend docker-long if long-url",
          "  default_backend docker",
          "backend docker",
          "  server engine unix@" + engine,
          "backend docker-long",
          "  timeout server 5m",
          "  server engine unix@" + engine,
          ""));
      Process process =
          new ProcessBuilder("haproxy", "-db", "-f", config.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(
                  settings.work().resolve("haproxy.log").toFile()))
              .start();
      return new Launched("haproxy", socket, process);
    }
  }

  // --- engine set-up -------------------------------------------------------------------------

  private void startContainers() throws IOException {
    for (int i = 0; i < settings.runningContainers(); i++) {
      String name = "bench-running-" + i;
      removeContainer(name);
      createContainer(name, "", true);
    }
  }

  private void createContainer(String name, String label, boolean start) throws IOException {
    String config = "{\"Image\":\"localtest/busybox:latest\",\"Cmd\":[\"sleep\",\"3600\"],"
        + "\"Labels\":{\"df-bench\":\"" + label + "\"},\"HostConfig\":{\"NetworkMode\":\"none\"}}";
    String created = engineCall("POST", "/v1.41/containers/create?name=" + name, config);
    if (!created.startsWith("HTTP/1.1 201")) {
      throw new IllegalStateException("creating " + name + ": " + created);
    }
    if (start) {
      engineCall("POST", "/v1.41/containers/" + name + "/start", null);
      containers.add(name);
    }
  }

  private void removeContainer(String name) throws IOException {
    engineCall("DELETE", "/v1.41/containers/" + name + "?force=1", null);
  }

  private String engineCall(String method, String target, String body) throws IOException {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(engineSocket));
      byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      String head = method + " " + target + " HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n"
          + (body == null ? "" : "Content-Type: application/json\r\n")
          + "Content-Length: " + bytes.length + "\r\n\r\n";
      channel.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
      channel.write(ByteBuffer.wrap(bytes));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteBuffer in = ByteBuffer.allocate(8192);
      while (channel.read(in.clear()) >= 0) {
        out.write(in.array(), 0, in.position());
      }
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  private void cleanUp() {
    for (Target target : targets) {
      target.close();
    }
    for (String name : containers) {
      try {
        removeContainer(name);
      } catch (IOException e) {
        log("could not remove " + name + ": " + e.getMessage());
      }
    }
  }

  // --- report --------------------------------------------------------------------------------

  private String report() {
    StringBuilder md = new StringBuilder();
    md.append("# docker-filter benchmark").append(settings.tiny() ? " (tiny setting)" : "")
        .append("\n\n");
    md.append(String.format(Locale.ROOT,
        "%s; %d interleaved round(s), medians; %d CPUs; `/_ping` %d requests per run, "
            + "`/containers/json` %d with %d running containers; h2load over unix sockets.%n%n",
        LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME), settings.rounds(),
        Runtime.getRuntime().availableProcessors(), settings.pingRequests(),
        settings.listRequests(), settings.runningContainers()));
    md.append("| scenario | target | req/s | p50 ms | p99 ms | x direct | x haproxy "
        + "| CPU s / 10k req |\n");
    md.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
    for (Map.Entry<String, Map<String, List<Sample>>> scenario : results.entrySet()) {
      Map<String, Sample> medians = new LinkedHashMap<>();
      scenario.getValue().forEach((target, samples) -> medians.put(target, median(samples)));
      for (Map.Entry<String, Sample> entry : medians.entrySet()) {
        Sample s = entry.getValue();
        boolean streams = Double.isNaN(s.requestsPerSecond());
        md.append("| ").append(scenario.getKey()).append(" | ").append(entry.getKey())
            .append(" | ").append(streams ? "-" : fmt0(s.requestsPerSecond()))
            .append(" | ").append(fmt3(s.p50Millis()))
            .append(" | ").append(fmt3(s.p99Millis()))
            .append(" | ").append(ratio(s, medians.get("direct"), streams))
            .append(" | ").append(ratio(s, medians.get("haproxy"), streams))
            .append(" | ").append(Double.isNaN(s.cpuPer10k()) ? "-" : fmt3(s.cpuPer10k()))
            .append(" |\n");
      }
    }
    md.append("\nRatios are throughput over the other target's (above 1 is faster); for the "
        + "stream scenario, delivery latency over the other's (below 1 is faster).\n\n");
    md.append("| resource | value |\n|---|---:|\n");
    startup.forEach((name, seconds) -> md.append("| ").append(name)
        .append(" start to first answered request | ").append(fmt3(seconds)).append(" s |\n"));
    resources.forEach((name, value) -> md.append("| ").append(name).append(" | ").append(value)
        .append(" |\n"));
    return md.toString();
  }

  private static String ratio(Sample s, Sample other, boolean latency) {
    if (other == null) {
      return "-";
    }
    double r = latency ? s.p50Millis() / other.p50Millis()
        : s.requestsPerSecond() / other.requestsPerSecond();
    return Double.isFinite(r) ? String.format(Locale.ROOT, "%.2f", r) : "-";
  }

  private static Sample median(List<Sample> samples) {
    return new Sample(
        median(samples.stream().mapToDouble(Sample::requestsPerSecond).toArray()),
        median(samples.stream().mapToDouble(Sample::p50Millis).toArray()),
        median(samples.stream().mapToDouble(Sample::p99Millis).toArray()),
        median(samples.stream().mapToDouble(Sample::cpuPer10k).toArray()));
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100 * sorted.length) - 1));
    return sorted[index];
  }

  // --- /proc ---------------------------------------------------------------------------------

  private static long cpuTicks(long pid) throws IOException {
    if (pid == 0) {
      return 0;
    }
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // Fields 14 and 15 of /proc/PID/stat (utime, stime), counted after the command name.
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  private static double cpuSeconds(long ticks) {
    return (double) ticks / CLOCK_TICKS_PER_SECOND;
  }

  private static long rssKib(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return 0;
  }

  private static int runProcess(List<String> command, Path output, Duration timeout)
      throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(output.toFile()).start();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(command.get(0) + " did not finish within " + timeout);
    }
    return process.exitValue();
  }

  /** Resident memory, and the part of it that is the process's own (not mapped files). */
  private static String rss(long pid) throws IOException {
    return mib(rssKib(pid, "VmRSS")) + " (anon " + mib(rssKib(pid, "RssAnon")) + ")";
  }

  private static String mib(long kib) {
    return String.format(Locale.ROOT, "%.1f MiB", kib / 1024.0);
  }

  private static String fmt0(double v) {
    return String.format(Locale.ROOT, "%.0f", v);
  }

  private static String fmt3(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }

  private static void log(String message) {
    System.err.println("[bench] " + message);
  }
}
