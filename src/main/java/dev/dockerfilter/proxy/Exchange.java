package dev.dockerfilter.proxy;

import dev.dockerfilter.http.RequestHead;
import dev.dockerfilter.observability.AccessEntry;
import dev.dockerfilter.policy.Decision;
import dev.dockerfilter.redact.Redaction;
import io.netty.handler.codec.http.HttpRequest;
import java.time.Instant;

/** The running state of one request/response pair on a client connection. */
final class Exchange {
  final RequestHead head;
  final Decision decision;
  final Instant time = Instant.now();
  final long startNanos = System.nanoTime();

  /** Whether the client asked to keep the connection open after this exchange. */
  final boolean keepAlive;

  /** What is sent to the engine, rebuilt from what was checked; kept for one retry. */
  HttpRequest proxyToUpstreamRequest;

  /** A rule allows this request to upgrade, and the client asked to. */
  boolean upgrade;

  /** The connection became a raw two-way copy after the engine's 101. */
  boolean tunnel;

  /** Hides secrets in the engine's answer before the client sees it; null for most answers. */
  Redaction redaction;

  /** The engine's answer while it is read whole, to be redacted; null when it is relayed. */
  HeldAnswer held;

  /** Denied by the policy but forwarded because the listener audits. */
  boolean audited;

  boolean forwarded;
  boolean requestComplete;

  /** The rest of the request body is read and dropped, never forwarded. */
  boolean discardBody;

  boolean responseHeadSent;
  boolean responseComplete;

  /** The response to the client is chunked, so a cut stream can still end with a last chunk. */
  boolean clientChunked;

  /** The response has no length: it ends when the engine ends it (events, logs, stats). */
  boolean streaming;

  /** Close the client connection once the response is written. */
  boolean closeAfter;

  boolean retried;

  /** The engine will close its connection after this response. */
  boolean upstreamCloses;

  boolean logged;
  int status;
  long bytesIn;
  long bytesOut;
  String reason;

  Exchange(RequestHead head, Decision decision, boolean keepAlive) {
    this.head = head;
    this.decision = decision;
    this.keepAlive = keepAlive;
    this.reason = decision.reason();
  }

  boolean isHead() {
    return head.method().equals("HEAD");
  }

  /** GET and HEAD: a body means nothing on them, so none is forwarded. */
  boolean bodyForbidden() {
    return head.method().equals("GET") || isHead();
  }

  /** GET and HEAD without a body can be sent again on a new connection if the first one died. */
  boolean retryable() {
    return !retried
        && (head.method().equals("GET") || isHead())
        && !responseHeadSent
        && held == null
        && bytesIn == 0;
  }

  AccessEntry toAccessEntry(String client) {
    return new AccessEntry(
        time,
        client,
        head.method(),
        head.target().raw(),
        head.target().path(),
        decision.allowed() ? "allow" : audited ? "would-deny" : "deny",
        decision.ruleId(),
        reason,
        status,
        bytesIn,
        bytesOut,
        (System.nanoTime() - startNanos) / 1e6);
  }
}
