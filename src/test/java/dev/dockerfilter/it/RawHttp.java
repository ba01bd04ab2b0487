package dev.dockerfilter.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * One client connection that writes exactly the bytes a test gives it and reads HTTP/1.1 responses
 * with a deadline on every read, for example:
 *
 * <pre>{@code
 * try (RawHttp http = RawHttp.connect("unix:///tmp/x/docker.sock")) {
 *   http.send("GET /v1.41/events HTTP/1.1\r\nHost: docker\r\n\r\n");
 *   RawHttp.Head head = http.readHead(Duration.ofSeconds(5));
 *   RawHttp.Chunk chunk = http.readChunk(Duration.ofSeconds(5));
 * }
 * }</pre>
 *
 * <p>Unix sockets use the JDK's own {@code UnixDomainSocketAddress} (JDK 16+), so no native library
 * is involved. A read that outlasts its deadline throws {@link SocketTimeoutException}.
 */
final class RawHttp implements AutoCloseable {
  private static final int READ_BUFFER_BYTES = 64 * 1024;
  private static final byte CR = '\r';
  private static final byte LF = '\n';

  private final SocketChannel channel;
  private final Selector selector;
  private final SelectionKey key;

  /** Bytes received and not yet consumed, in read mode. */
  private final ByteBuffer in = ByteBuffer.allocate(READ_BUFFER_BYTES).flip();

  /** Whether the connection closed in the middle of the last line read. */
  private boolean truncatedLine;

  private RawHttp(SocketChannel channel) throws IOException {
    this.channel = channel;
    channel.configureBlocking(false);
    this.selector = Selector.open();
    this.key = channel.register(selector, SelectionKey.OP_READ);
  }

  /** Connects to {@code unix:///path} or {@code tcp://host:port}. */
  /**
   * Whether something accepts a connection at {@code address} ({@code unix://} or {@code tcp://}).
   */
  static boolean accepts(String address) {
    try {
      connect(address).close();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A loopback TCP port that was free a moment ago. */
  static int freeLoopbackPort() throws IOException {
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  static RawHttp connect(String uri) throws IOException {
    if (uri.startsWith("unix://")) {
      return connect(Path.of(uri.substring("unix://".length())));
    }
    if (uri.startsWith("tcp://")) {
      String hostAndPort = uri.substring("tcp://".length());
      int colon = hostAndPort.lastIndexOf(':');
      SocketAddress address =
          new InetSocketAddress(
              hostAndPort.substring(0, colon), Integer.parseInt(hostAndPort.substring(colon + 1)));
      return open(SocketChannel.open(StandardProtocolFamily.INET), address);
    }
    throw new IllegalArgumentException("Unsupported address: '" + uri + "' (unix:// or tcp://)");
  }

  static RawHttp connect(Path socket) throws IOException {
    return open(
        SocketChannel.open(StandardProtocolFamily.UNIX), UnixDomainSocketAddress.of(socket));
  }

  private static RawHttp open(SocketChannel channel, SocketAddress address) throws IOException {
    try {
      channel.connect(address);
      return new RawHttp(channel);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * Sends REQUEST on a fresh connection and reads one whole response. The method in the request
   * line decides whether a body follows (HEAD has none).
   */
  static Response exchange(String uri, String request, Duration timeout) throws IOException {
    try (RawHttp http = connect(uri)) {
      http.send(request);
      return http.readResponse(request.substring(0, request.indexOf(' ')), timeout);
    }
  }

  /** A request with {@code Host} and {@code Connection: close}, and a body when given. */
  static String request(String method, String target, String body) {
    StringBuilder request = new StringBuilder();
    request.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    request.append("Host: docker\r\n");
    request.append("Connection: close\r\n");
    if (body != null) {
      request.append("Content-Type: application/json\r\n");
      request.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length);
      request.append("\r\n");
    }
    request.append("\r\n");
    if (body != null) {
      request.append(body);
    }
    return request.toString();
  }

  void send(String request) throws IOException {
    send(request.getBytes(StandardCharsets.UTF_8));
  }

  void send(byte[] bytes) throws IOException {
    ByteBuffer out = ByteBuffer.wrap(bytes);
    while (out.hasRemaining()) {
      if (channel.write(out) == 0) {
        key.interestOps(SelectionKey.OP_WRITE);
        selector.select(1_000);
        selector.selectedKeys().clear();
        key.interestOps(SelectionKey.OP_READ);
      }
    }
  }

  /** Reads a status line and headers, skipping interim 1xx answers other than 101. */
  Head readHead(Duration timeout) throws IOException {
    return readHead(deadline(timeout));
  }

  private Head readHead(long deadline) throws IOException {
    while (true) {
      String statusLine = readLine(deadline);
      if (statusLine == null) {
        throw new IOException("Connection closed before a status line");
      }
      Head head = new Head(statusLine, parseStatus(statusLine), readFields(deadline));
      if (head.status() >= 200 || head.status() == 101) {
        return head;
      }
    }
  }

  /** Reads one response to a request made with METHOD, its body framed as RFC 9112 §6 says. */
  Response readResponse(String method, Duration timeout) throws IOException {
    long deadline = deadline(timeout);
    Head head = readHead(deadline);
    boolean bodyless =
        method.equals("HEAD")
            || head.status() == 204
            || head.status() == 304
            || head.status() < 200;
    if (bodyless) {
      return new Response(head, new byte[0]);
    }
    if (head.isChunked()) {
      return new Response(head, readChunkedBody(deadline));
    }
    OptionalLong contentLength = head.contentLength();
    if (contentLength.isPresent()) {
      return new Response(head, readExactly((int) contentLength.getAsLong(), deadline));
    }
    return new Response(head, readUntilClosed(deadline));
  }

  /** Reads the next chunk of a chunked body; see {@link Chunk.Kind} for how a body ends. */
  Chunk readChunk(Duration timeout) throws IOException {
    long deadline = deadline(timeout);

    // 1a;ext=x\r\n
    String sizeLine = readLine(deadline);
    if (sizeLine == null) {
      return truncatedLine ? Chunk.TRUNCATED : Chunk.CLOSED;
    }
    int size = parseChunkSize(sizeLine);

    // 0\r\n then optional trailer fields, then \r\n
    if (size == 0) {
      readFields(deadline);
      return Chunk.LAST;
    }

    // <size bytes>\r\n
    byte[] data = readExactlyOrNull(size + 2, deadline);
    if (data == null || data[size] != CR || data[size + 1] != LF) {
      return Chunk.TRUNCATED;
    }
    return Chunk.data(Arrays.copyOf(data, size));
  }

  private static int parseChunkSize(String sizeLine) throws IOException {
    int semicolon = sizeLine.indexOf(';');
    String hexSize = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim();
    try {
      return Integer.parseInt(hexSize, 16);
    } catch (NumberFormatException e) {
      throw new IOException("Malformed chunk size line: '" + sizeLine + "'", e);
    }
  }

  /**
   * Reads chunks until the body ends and says how it ended; data chunks are discarded. Throws
   * {@link SocketTimeoutException} when it has not ended by the deadline.
   */
  Chunk.Kind readToEnd(Duration timeout) throws IOException {
    long deadline = deadline(timeout);
    while (true) {
      Chunk chunk = readChunk(remaining(deadline));
      if (chunk.kind() != Chunk.Kind.DATA) {
        return chunk.kind();
      }
    }
  }

  /** True when the peer has closed the connection by the deadline (any bytes are dropped). */
  boolean awaitClosed(Duration timeout) throws IOException {
    long deadline = deadline(timeout);
    try {
      while (fill(deadline)) {
        in.position(in.limit());
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      selector.close();
    } finally {
      channel.close();
    }
  }

  private byte[] readChunkedBody(long deadline) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      Chunk chunk = readChunk(remaining(deadline));
      switch (chunk.kind()) {
        case DATA -> body.writeBytes(chunk.data());
        case LAST -> {
          return body.toByteArray();
        }
        default -> throw new IOException("Chunked body ended without its last chunk");
      }
    }
  }

  private Map<String, List<String>> readFields(long deadline) throws IOException {
    Map<String, List<String>> fields = new LinkedHashMap<>();
    while (true) {
      String line = readLine(deadline);
      if (line == null) {
        throw new IOException("Connection closed inside a header block");
      }
      if (line.isEmpty()) {
        return fields;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IOException("Malformed header line: '" + line + "'");
      }
      String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
      fields.computeIfAbsent(name, n -> new ArrayList<>()).add(line.substring(colon + 1).trim());
    }
  }

  private static int parseStatus(String statusLine) throws IOException {
    // HTTP/1.1 200 OK
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      throw new IOException("Malformed status line: '" + statusLine + "'");
    }
    return Integer.parseInt(parts[1]);
  }

  /**
   * A line without its CRLF, or null when the connection closed first; {@link #truncatedLine} then
   * says whether part of a line had arrived.
   */
  private String readLine(long deadline) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      while (in.hasRemaining()) {
        byte b = in.get();
        if (b == LF) {
          byte[] bytes = line.toByteArray();
          int length =
              bytes.length > 0 && bytes[bytes.length - 1] == CR ? bytes.length - 1 : bytes.length;
          return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
        }
        line.write(b);
      }
      if (!fill(deadline)) {
        truncatedLine = line.size() > 0;
        return null;
      }
    }
  }

  private byte[] readExactly(int count, long deadline) throws IOException {
    byte[] bytes = readExactlyOrNull(count, deadline);
    if (bytes == null) {
      throw new IOException("Connection closed before " + count + " body bytes arrived");
    }
    return bytes;
  }

  private byte[] readExactlyOrNull(int count, long deadline) throws IOException {
    byte[] bytes = new byte[count];
    int filled = 0;
    while (filled < count) {
      if (!in.hasRemaining() && !fill(deadline)) {
        return null;
      }
      int n = Math.min(in.remaining(), count - filled);
      in.get(bytes, filled, n);
      filled += n;
    }
    return bytes;
  }

  private byte[] readUntilClosed(long deadline) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    do {
      byte[] bytes = new byte[in.remaining()];
      in.get(bytes);
      body.writeBytes(bytes);
    } while (fill(deadline));
    return body.toByteArray();
  }

  /**
   * Reads more bytes into {@link #in}; false at end of stream. Waits in the selector so that a
   * silent peer cannot make a test hang past its deadline.
   */
  private boolean fill(long deadline) throws IOException {
    in.compact();
    try {
      while (true) {
        int n = channel.read(in);
        if (n > 0) {
          return true;
        }
        if (n < 0) {
          return false;
        }
        long waitNanos = deadline - System.nanoTime();
        if (waitNanos <= 0) {
          throw new SocketTimeoutException("No bytes from the peer before the deadline");
        }
        selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos)));
        selector.selectedKeys().clear();
      }
    } finally {
      in.flip();
    }
  }

  private static long deadline(Duration timeout) {
    return System.nanoTime() + timeout.toNanos();
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }

  /** A status line and its header fields; names are lower-cased, values in received order. */
  record Head(String statusLine, int status, Map<String, List<String>> fields) {
    Head {
      fields = Map.copyOf(fields);
    }

    Optional<String> field(String name) {
      List<String> values = fields.get(name.toLowerCase(Locale.ROOT));
      return values == null ? Optional.empty() : Optional.of(String.join(", ", values));
    }

    boolean isChunked() {
      return field("transfer-encoding").map(v -> v.equalsIgnoreCase("chunked")).orElse(false);
    }

    OptionalLong contentLength() {
      return field("content-length")
          .map(v -> OptionalLong.of(Long.parseLong(v)))
          .orElse(OptionalLong.empty());
    }
  }

  /** A whole response. */
  record Response(Head head, byte[] body) {
    int status() {
      return head.status();
    }

    Optional<String> field(String name) {
      return head.field(name);
    }

    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return head.statusLine() + " " + head.fields() + " " + bodyText();
    }
  }

  /** One step of reading a chunked body. */
  record Chunk(Kind kind, byte[] data) {
    static final Chunk LAST = new Chunk(Kind.LAST, new byte[0]);
    static final Chunk CLOSED = new Chunk(Kind.CLOSED, new byte[0]);
    static final Chunk TRUNCATED = new Chunk(Kind.TRUNCATED, new byte[0]);

    static Chunk data(byte[] data) {
      return new Chunk(Kind.DATA, data);
    }

    String text() {
      return new String(data, StandardCharsets.UTF_8);
    }

    enum Kind {
      /** A chunk with data. */
      DATA,
      /** The zero-size last chunk: the body ended as HTTP/1.1 means it to. */
      LAST,
      /** The connection closed between two chunks. */
      CLOSED,
      /** The connection closed inside a chunk: data was cut off. */
      TRUNCATED
    }
  }
}
