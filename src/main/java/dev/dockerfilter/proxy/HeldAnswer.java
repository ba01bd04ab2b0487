package dev.dockerfilter.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponse;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An answer of the engine read whole before the client gets any of it, because redaction rewrites
 * its body and so changes its length. Held on the heap, in the pieces it arrived in.
 *
 * <p>All answers held at once share one budget, so that many large answers cannot exhaust the heap:
 * an answer that would go over it is refused, and its client told to try again.
 */
final class HeldAnswer {
  /** The largest answer held; inspect answers are a few KiB, a list of 1,000 services ~5 MiB. */
  static final int MAX_BYTES = 8 << 20;

  /** The most bytes held by all answers at once; the rewrite needs about twice that again. */
  static final long BUDGET_BYTES = 8 << 20;

  private static final AtomicLong HELD_BYTES = new AtomicLong();

  /** What became of a piece of the answer. */
  enum Added {
    HELD,
    /** The answer is over {@link #MAX_BYTES}. */
    TOO_LARGE,
    /** Answers held by other exchanges use up the budget. */
    OVER_BUDGET
  }

  private final HttpResponse upstreamToProxyResponse;
  private final List<byte[]> pieces = new ArrayList<>();
  private long size;
  private long reserved;
  private byte lastByte;

  HeldAnswer(HttpResponse upstreamToProxyResponse) {
    this.upstreamToProxyResponse = upstreamToProxyResponse;
  }

  /** The bytes held by every answer of the process, for tests and metrics. */
  static long heldBytes() {
    return HELD_BYTES.get();
  }

  HttpResponse head() {
    return upstreamToProxyResponse;
  }

  /** Copies BYTES in, without releasing them. */
  Added add(ByteBuf bytes) {
    int length = bytes.readableBytes();
    if (size + length > MAX_BYTES) {
      return Added.TOO_LARGE;
    }
    if (HELD_BYTES.addAndGet(length) > BUDGET_BYTES) {
      HELD_BYTES.addAndGet(-length);
      return Added.OVER_BUDGET;
    }
    reserved += length;
    size += length;
    if (length > 0) {
      byte[] piece = new byte[length];
      bytes.readBytes(piece);
      pieces.add(piece);
      lastByte = piece[length - 1];
    }
    return Added.HELD;
  }

  /** The body as one stream over the pieces, without copying them. */
  InputStream body() {
    List<InputStream> streams = new ArrayList<>();
    pieces.forEach(piece -> streams.add(new ByteArrayInputStream(piece)));
    return new SequenceInputStream(Collections.enumeration(streams));
  }

  int size() {
    return (int) size;
  }

  boolean endsWithNewline() {
    return size > 0 && lastByte == '\n';
  }

  /** Gives the bytes back to the budget; called once the answer is sent or given up, and again. */
  void release() {
    HELD_BYTES.addAndGet(-reserved);
    reserved = 0;
    pieces.clear();
  }
}
