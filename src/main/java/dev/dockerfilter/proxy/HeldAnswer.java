package dev.dockerfilter.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * An answer of the engine read whole before the client gets any of it, because redaction rewrites
 * its body and so changes its length. Held on the heap, so a client that goes away leaves nothing
 * to release.
 */
final class HeldAnswer {
  /** The largest answer held; inspect answers are a few KiB, a list of 1,000 services ~5 MiB. */
  static final int MAX_BYTES = 8 << 20;

  private final HttpResponse upstreamToProxyResponse;
  private final ByteArrayOutputStream body = new ByteArrayOutputStream();

  HeldAnswer(HttpResponse upstreamToProxyResponse) {
    this.upstreamToProxyResponse = upstreamToProxyResponse;
  }

  HttpResponse head() {
    return upstreamToProxyResponse;
  }

  /** Appends BYTES, without releasing them; false once the answer is over {@link #MAX_BYTES}. */
  boolean add(ByteBuf bytes) {
    int length = bytes.readableBytes();
    if (body.size() + (long) length > MAX_BYTES) {
      return false;
    }
    try {
      bytes.readBytes(body, length);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return true;
  }

  byte[] body() {
    return body.toByteArray();
  }
}
