package dev.dockerfilter.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.dockerfilter.http.MalformedRequestException;
import dev.dockerfilter.http.RequestHead;
import dev.dockerfilter.http.RequestTarget;
import dev.dockerfilter.http.StrictRequestDecoder;
import dev.dockerfilter.policy.Decision;
import dev.dockerfilter.policy.Policy;
import dev.dockerfilter.policy.PolicyRequest;
import dev.dockerfilter.policy.Presets;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Raw client bytes through the strict decoder, the request-head checks, target canonicalisation and
 * the read-only policy, as the proxy runs them, without sockets.
 *
 * <p>Invariants, for any input:
 *
 * <ul>
 *   <li>nothing but a {@link MalformedRequestException} with a documented status escapes;
 *   <li>the outcome does not depend on how the bytes are split into reads;
 *   <li>the decoder holds at most a bounded number of bytes, however long the input;
 *   <li>nothing is decoded after a rejection;
 *   <li>a canonical path has no empty, dot or backslash segment and survives its own forwarding:
 *       the target we send parses back to the same path, so the engine routes what we judged.
 * </ul>
 */
class DecisionFuzzTest {
  static final int MAX_INITIAL_LINE_BYTES = StrictRequestDecoder.DEFAULT_MAX_INITIAL_LINE_BYTES;
  static final int MAX_HEADER_BYTES = StrictRequestDecoder.DEFAULT_MAX_HEADER_BYTES;

  /** A head may be held whole, plus a body piece, with room for the buffer's doubling growth. */
  static final long MAX_HELD_BYTES = 4L * (MAX_INITIAL_LINE_BYTES + MAX_HEADER_BYTES);

  private static final Set<Integer> REJECT_STATUSES = Set.of(400, 414, 431, 501, 505);
  private static final Policy POLICY = Presets.readOnly();

  @FuzzTest(maxDuration = "10s")
  void parseCanonicaliseDecide(byte[] input) {
    List<String> whole = decide(input, Math.max(1, input.length));
    List<String> inPieces = decide(input, input.length % 13 + 1);
    assertThat(inPieces).as("outcome when read in pieces").isEqualTo(whole);
  }

  /** Feeds INPUT in reads of PIECE bytes and returns one line per outcome, in order. */
  static List<String> decide(byte[] input, int piece) {
    UnpooledByteBufAllocator allocator = new UnpooledByteBufAllocator(false, true);
    StrictRequestDecoder decoder = new StrictRequestDecoder();
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.config().setAllocator(allocator);
    channel.pipeline().addLast(decoder);
    Outcomes outcomes = new Outcomes();
    for (int from = 0; from < Math.max(1, input.length); from += piece) {
      int to = Math.min(input.length, from + piece);
      channel.writeInbound(Unpooled.wrappedBuffer(input, from, to - from));
      drain(channel, outcomes);
      long held = allocator.metric().usedHeapMemory() + allocator.metric().usedDirectMemory();
      assertThat(held)
          .as("bytes the decoder holds after %d input bytes", to)
          .isLessThan(MAX_HELD_BYTES);
    }
    outcomes.flushBody();
    channel.finishAndReleaseAll();
    return outcomes.lines;
  }

  private static void drain(EmbeddedChannel channel, Outcomes outcomes) {
    Object message;
    while ((message = channel.readInbound()) != null) {
      try {
        // The decoder promises silence after a failure it reports itself.
        assertThat(outcomes.decoderFailed).as("anything decoded after a decoder failure").isFalse();
        if (outcomes.closed) {
          // The proxy answered a rejection and closes: what follows is never looked at.
          continue;
        }
        if (message instanceof HttpRequest request) {
          outcomes.flushBody();
          outcomes.decoderFailed = request.decoderResult().isFailure();
          String line = judge(request);
          outcomes.lines.add(line);
          outcomes.closed = line.startsWith("reject");
        }
        if (message instanceof HttpContent content && !(message instanceof HttpRequest)) {
          outcomes.content(content);
        }
      } finally {
        ReferenceCountUtil.release(message);
      }
    }
  }

  /** One request head: its rejection, or the decision on its canonical path. */
  static String judge(HttpRequest request) {
    RequestHead head;
    try {
      head = RequestHead.from(request);
    } catch (MalformedRequestException e) {
      assertThat(REJECT_STATUSES).as("status of %s", e.getMessage()).contains(e.status());
      return "reject " + e.status();
    }
    RequestTarget target = head.target();
    checkCanonical(target);
    Decision decision =
        POLICY.decide(new PolicyRequest(head.method(), target.path(), target.rawQuery()));
    if (decision.allowed()) {
      assertThat(head.method()).isIn("GET", "HEAD");
    }
    return head.method()
        + " "
        + target.forwardTarget()
        + " "
        + decision.verdict()
        + " "
        + decision.ruleId()
        + " "
        + head.framing();
  }

  /** The path the policy sees is canonical and is exactly what the forwarded target carries. */
  static void checkCanonical(RequestTarget target) {
    String path = target.path();
    assertThat(path).startsWith("/").doesNotContain("//").doesNotContain("\\");
    assertThat(path.chars().noneMatch(c -> c < 0x20 || c == 0x7F)).as(path).isTrue();
    // The root alone is clean (no route serves it; the policy denies it); any other path has
    // no empty segment.
    for (String segment : path.equals("/") ? new String[0] : path.substring(1).split("/", -1)) {
      assertThat(segment).as("segment of %s", path).isNotEmpty().isNotIn(".", "..");
    }
    String forward = target.forwardTarget();
    RequestTarget again;
    try {
      again = RequestTarget.parse(forward);
    } catch (MalformedRequestException e) {
      throw new AssertionError("forwarded target '" + forward + "' does not parse", e);
    }
    assertThat(again.path()).as("path of the forwarded %s", forward).isEqualTo(path);
    assertThat(again.apiVersion()).isEqualTo(target.apiVersion());
    assertThat(again.rawQuery()).isEqualTo(target.rawQuery());
    assertThat(again.forwardTarget()).isEqualTo(forward);
  }

  /** Outcome lines, with each request's body summed up, however it was split. */
  private static final class Outcomes {
    final List<String> lines = new ArrayList<>();
    boolean decoderFailed;
    boolean closed;
    long bodyBytes;
    boolean bodyStarted;
    boolean bodyEnded;

    void content(HttpContent content) {
      if (content.decoderResult().isFailure()) {
        flushBody();
        lines.add("reject body");
        decoderFailed = true;
        closed = true;
        return;
      }
      assertThat(content.content().readableBytes()).isLessThanOrEqualTo(MAX_INITIAL_LINE_BYTES);
      bodyStarted = true;
      bodyBytes += content.content().readableBytes();
      bodyEnded |= content instanceof LastHttpContent;
    }

    void flushBody() {
      if (bodyStarted) {
        lines.add("body " + bodyBytes + (bodyEnded ? " end" : " open"));
      }
      bodyStarted = false;
      bodyEnded = false;
      bodyBytes = 0;
    }
  }
}
