package dev.dockerfilter.proxy;

import dev.dockerfilter.redact.RedactionException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;

/**
 * The path of an answer that redaction rewrites: it is held whole in a {@link HeldAnswer}, since
 * the rewrite changes its length, then rewritten and sent as one message. The exchange handler
 * feeds it the pieces and sends what it returns.
 */
final class RedactedAnswer {
  private RedactedAnswer() {}

  /** Why a held answer was given up, as the client is told and the access line records it. */
  record Refusal(int status, String what, String reason) {}

  /**
   * Starts holding the engine's answer when this exchange redacts it; only a 200 carries what
   * redaction rewrites. Returns whether it is held.
   */
  static boolean hold(Exchange x, HttpResponse upstreamToProxyResponse) {
    int code = upstreamToProxyResponse.status().code();
    if (x.redaction == null || code != 200) {
      return false;
    }
    x.held = new HeldAnswer(upstreamToProxyResponse);
    x.upstreamCloses = !HttpUtil.isKeepAlive(upstreamToProxyResponse);
    x.status = code;
    return true;
  }

  /** Why a piece could not be held: a malformed piece ({@code added} null), size or budget. */
  static Refusal refusal(HeldAnswer.Added added) {
    if (added == null) {
      return new Refusal(502, "malformed body from the engine", "upstream-malformed");
    }
    if (added == HeldAnswer.Added.TOO_LARGE) {
      return new Refusal(
          502,
          "the engine's answer is too large to redact (over "
              + (HeldAnswer.MAX_BYTES >> 20)
              + " MiB)",
          "redact-failed");
    }
    return new Refusal(
        503, "too many answers are being redacted at once; try again", "redact-busy");
  }

  /** Rewrites the whole held answer and gives its bytes back to the budget, even on failure. */
  static FullHttpResponse rewrite(Exchange x, boolean draining) throws RedactionException {
    byte[] body;
    try {
      body = x.redaction.redact(x.held.body(), x.held.size(), x.held.endsWithNewline());
    } finally {
      x.held.release();
    }
    return ResponseFraming.rewritten(x, x.held.head(), body, draining);
  }
}
