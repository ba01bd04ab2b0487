package dev.dockerfilter.proxy;

import dev.dockerfilter.config.Durations;
import dev.dockerfilter.http.BodyFraming;
import dev.dockerfilter.http.MalformedRequestException;
import dev.dockerfilter.http.RequestHead;
import dev.dockerfilter.http.StrictRequestDecoder;
import dev.dockerfilter.observability.AccessEntry;
import dev.dockerfilter.policy.Decision;
import dev.dockerfilter.policy.Peer;
import dev.dockerfilter.policy.Policy;
import dev.dockerfilter.policy.PolicyRequest;
import dev.dockerfilter.policy.Verdict;
import dev.dockerfilter.proxy.ConnectionTimer.Deadline;
import dev.dockerfilter.redact.Redaction;
import dev.dockerfilter.redact.RedactionException;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the exchanges of one client connection, strictly one after another: judge the request,
 * answer a denial or forward it on this connection's own upstream connection, stream the answer
 * back, then read the next request.
 *
 * <p>The client channel never reads by itself: a request, and each piece of its body, is read only
 * when the previous step is done, which gives backpressure and keeps pipelined requests in order.
 * The upstream channel reads while the client can take more.
 *
 * <p>This class is the one state machine of a connection, run on one thread: every step reads and
 * writes the same few fields (the exchange, the upstream channel, the pending read, the timer).
 * What needs none of them is done by helpers it calls: {@link UpstreamRequests} builds what goes to
 * the engine, {@link ResponseFraming} the head the client gets, {@link RedactedAnswer} holds and
 * rewrites an answer, {@link TunnelSwitch} turns both connections into a raw copy after a 101, and
 * {@link ConnectionTimer} runs the connection's deadline. Its own parts are grouped by side:
 * client, our own answers, forwarding, upstream, end of an exchange, timers. TODO(#4): it is still
 * about 900 lines, three times the house's usual size, because those parts share its fields; they
 * have yet to be split along them, for instance the upstream side into a class of its own.
 */
final class ExchangeHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(ExchangeHandler.class);

  /** A denied request's body is read and dropped up to this size; past it we close. */
  static final long MAX_DISCARDED_BODY_BYTES = 1 << 20;

  /** After a final answer, how long we keep dropping a body the client is still sending. */
  static final Duration LINGER = Duration.ofSeconds(2);

  private final ProxyContext context;
  private final String listener;
  private final AtomicReference<ListenerPolicy> listenerPolicy;
  private final StrictRequestDecoder decoder;
  private final ResponseEncoder encoder;

  private ChannelHandlerContext ctx;
  private Peer peer = new Peer.Unknown();
  private String client = "-";
  private Channel upstream;
  private Exchange exchange;
  private boolean draining;
  private boolean cutAtStop;
  private boolean opened;

  /** A read was asked of the client and no message has answered it yet. */
  private boolean readWanted;

  /** The client shut down its sending side; what it sent is still answered. */
  private boolean inputEnded;

  /** Our last answer is sent and our side shut down; input is dropped until the client closes. */
  private boolean lingering;

  private final ConnectionTimer timer = new ConnectionTimer(this::timerFired);

  ExchangeHandler(
      ProxyContext context,
      String listener,
      AtomicReference<ListenerPolicy> listenerPolicy,
      StrictRequestDecoder decoder,
      ResponseEncoder encoder) {
    this.context = context;
    this.listener = listener;
    this.listenerPolicy = listenerPolicy;
    this.decoder = decoder;
    this.encoder = encoder;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    peer = ClientIdentity.peer(ctx.channel());
    client = ClientIdentity.describe(peer);
    if (!context.registry().admit(ctx.channel())) {
      answerAndClose(
          503, "docker-filter: too many open connections", "-", "-", "too-many-connections");
      return;
    }
    draining = context.registry().draining();
    opened = true;
    context.observer().connectionOpened(listener);
    awaitNextRequest();
    ctx.fireChannelActive();
  }

  // --- client side -------------------------------------------------------------------------

  /** Asks for the next decoded message from the client; every client read goes through here. */
  private void requestRead() {
    if (readWanted) {
      // One read at a time: a second would hand over the next pipelined request mid-exchange.
      return;
    }
    readWanted = true;
    ctx.read();
    if (readWanted && inputEnded) {
      // Nothing was left to read, and the client has said it sends no more.
      clientInputEnded();
    }
  }

  /**
   * The client half-closed (e.g. {@code printf ... | nc}): answer what it sent, then close. A
   * request cut off mid-body can never complete, so that exchange ends here.
   */
  private void clientInputEnded() {
    Exchange x = exchange;
    if (x == null || lingering) {
      ctx.close();
    } else if (!x.requestComplete && x.bodyForbidden()) {
      // A GET or HEAD went to the engine whole (its body means nothing): it is still answered.
      x.requestComplete = true;
      maybeFinish(x);
    } else if (!x.requestComplete || (x.streaming && !x.tunnel)) {
      // The engine's Go server cancels a request whose client stops sending, which ends a
      // stream; a stream cut this way ends here too, and its upstream connection with it.
      x.reason = "client-closed";
      endExchange(x);
      ctx.close();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    // A read cycle that decoded nothing (half a request head, say) ends here, and the flow
    // control handler forgets the read it could not answer: ask again, or the rest never comes.
    if (readWanted) {
      ctx.read();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    readWanted = false;
    if (lingering) {
      ReferenceCountUtil.release(msg);
      requestRead();
      return;
    }
    if (msg instanceof HttpRequest request) {
      onRequestHead(request);
      if (msg instanceof HttpContent) {
        // Only the decoder's placeholder for a malformed request is both head and body.
        ReferenceCountUtil.release(msg);
      }
    } else if (msg instanceof HttpContent content) {
      onRequestContent(content);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  /** Called for every read from the client socket, before decoding. */
  void bytesArrived() {
    if (exchange == null && timer.running(Deadline.IDLE)) {
      timer.arm(ctx.executor(), Deadline.HEADER_READ, context.timeouts().headerRead());
    }
  }

  private void onRequestHead(HttpRequest request) {
    timer.cancel();
    if (exchange != null) {
      // Reads are requested one at a time, so a second head inside an exchange is a bug.
      LOG.atError().setMessage("request head during an exchange").log();
      ctx.close();
      return;
    }
    if (request.decoderResult().isFailure()) {
      reject(asMalformed(request.decoderResult().cause()), "-", "-");
      return;
    }
    RequestHead head;
    try {
      head = RequestHead.from(request);
    } catch (MalformedRequestException e) {
      reject(e, request.method().name(), request.uri());
      return;
    }
    exchange = judge(head, request);
    encoder.answeringHead(exchange.isHead());
    if (exchange.decision.allowed() || exchange.audited) {
      forward(exchange, request);
    } else {
      deny(exchange);
    }
  }

  /** Starts the exchange of a well-formed request with the decision on it. */
  private Exchange judge(RequestHead head, HttpRequest request) {
    // Looked up per request, so a reloaded policy applies to the next request on any connection.
    ListenerPolicy judge = listenerPolicy.get();
    Optional<Policy> policy = judge.selector().select(peer);
    PolicyRequest policyRequest =
        new PolicyRequest(head.method(), head.target().path(), head.target().rawQuery());
    Decision decision =
        policy.isPresent()
            ? judge
                .redaction()
                .review(policyRequest, policy.get().decide(policyRequest), judge.audit())
            : clientRefused();
    boolean keepAlive = !head.http10() && HttpUtil.isKeepAlive(request) && !draining;
    Exchange x = new Exchange(head, decision, keepAlive);
    // An audit forwards what the policy denies, never what redaction refuses.
    x.audited =
        !decision.allowed()
            && policy.isPresent()
            && judge.audit()
            && !Redaction.refusedByRedaction(decision);
    x.upgrade = decision.allowed() && decision.upgrade() && asksToUpgrade(request);
    if (judge.redaction().rewrites(head.method(), head.target().path())) {
      x.redaction = judge.redaction();
    }
    return x;
  }

  private Decision clientRefused() {
    return new Decision(
        Verdict.DENY,
        Decision.NO_RULE,
        "client-not-allowed",
        "client " + client + " is not allowed on " + listener,
        false);
  }

  private void onRequestContent(HttpContent content) {
    Exchange x = exchange;
    if (x == null || x.requestComplete) {
      content.release();
      return;
    }
    boolean last = content instanceof LastHttpContent;
    int bytes = content.content().readableBytes();
    if (content.decoderResult().isFailure()) {
      content.release();
      failRequestBody(x, asMalformed(content.decoderResult().cause()));
      return;
    }
    if (last && !((LastHttpContent) content).trailingHeaders().isEmpty()) {
      // RFC 9112 section 7.1.2: trailer fields are optional to accept. Docker's clients send
      // none, and Netty's parse of them is not as strict as ours of the head: refuse them all.
      String names = String.join(",", ((LastHttpContent) content).trailingHeaders().names());
      content.release();
      failRequestBody(
          x,
          new MalformedRequestException(
              400, "trailer fields after a chunked body: '" + names + "' (none accepted)"));
      return;
    }
    if (x.discardBody) {
      content.release();
      discard(x, bytes, last);
      return;
    }
    if (x.bodyForbidden()) {
      content.release();
      if (bytes > 0) {
        // RFC 9110 section 9.3.1: a GET body has no meaning; the engine would ignore it.
        failRequestBody(
            x, new MalformedRequestException(400, "request body on " + x.head.method()));
        return;
      }
      endRequest(x, last);
      return;
    }
    forwardContent(x, content, bytes, last);
  }

  /** Sends a piece of the request body on to the engine; the next is read once it is written. */
  private void forwardContent(Exchange x, HttpContent content, int bytes, boolean last) {
    x.bytesIn += bytes;
    if (last) {
      x.requestComplete = true;
    }
    Channel to = upstream;
    to.writeAndFlush(content)
        .addListener(
            (ChannelFuture f) -> {
              if (!f.isSuccess()) {
                upstreamWriteFailed(to, f.cause());
                return;
              }
              if (exchange != x) {
                return;
              }
              if (last) {
                maybeFinish(x);
              } else {
                requestRead();
              }
            });
  }

  private void discard(Exchange x, int bytes, boolean last) {
    x.bytesIn += bytes;
    if (x.bytesIn > MAX_DISCARDED_BODY_BYTES) {
      endExchange(x);
      ctx.close();
      return;
    }
    endRequest(x, last);
  }

  private void endRequest(Exchange x, boolean last) {
    if (last) {
      x.requestComplete = true;
      maybeFinish(x);
    } else {
      requestRead();
    }
  }

  private static boolean hasBody(RequestHead head) {
    return head.framing() == BodyFraming.CHUNKED || head.contentLength() > 0;
  }

  // --- answers we make ourselves -----------------------------------------------------------

  private void reject(MalformedRequestException e, String method, String target) {
    // RFC 9112 section 9.3: after a message we cannot frame, nothing more on this connection
    // can be trusted to start at a request boundary, so we answer and close.
    answerAndClose(
        e.status(),
        "docker-filter rejected a malformed request: " + e.getMessage(),
        method,
        target,
        "malformed-request");
  }

  /** Answers outside any exchange (a reject, a timeout, a refused connection) and closes. */
  private void answerAndClose(
      int status, String message, String method, String target, String reason) {
    context
        .observer()
        .exchangeEnded(
            new AccessEntry(
                Instant.now(),
                client,
                method,
                target,
                "-",
                "reject",
                "-",
                reason,
                status,
                0,
                0,
                0));
    encoder.answeringHead(false);
    FullHttpResponse response = DockerErrors.response(status, message, false, true);
    ctx.writeAndFlush(response).addListener(f -> lingerAndClose());
  }

  private void deny(Exchange x) {
    x.discardBody = true;
    String message =
        "docker-filter refused "
            + x.head.method()
            + " "
            + x.head.target().path()
            + ": "
            + x.decision.note();
    respond(x, 403, message);
  }

  /** Sends a final JSON answer of our own for the current exchange. */
  private void respond(Exchange x, int status, String message) {
    if (!x.requestComplete && hasBody(x.head)) {
      // The rest of the body will not be forwarded: drop it, then close (RFC 9112 section 9.6).
      x.discardBody = true;
      x.closeAfter = true;
    }
    if (draining || !x.keepAlive) {
      x.closeAfter = true;
    }
    x.status = status;
    x.responseHeadSent = true;
    FullHttpResponse response =
        DockerErrors.response(status, message, x.head.http10(), x.closeAfter);
    if (!x.isHead()) {
      x.bytesOut += response.content().readableBytes();
    }
    ctx.writeAndFlush(response)
        .addListener(
            f -> {
              x.responseComplete = true;
              maybeFinish(x);
            });
    if (exchange == x && !x.requestComplete) {
      // The exchange ends with the request: read the rest of it (its end, or a body to drop),
      // or the connection would wait for it forever. Forwarding stopped asking for it.
      requestRead();
    }
  }

  private void failRequestBody(Exchange x, MalformedRequestException e) {
    closeUpstream();
    x.reason = "malformed-request";
    if (x.responseHeadSent) {
      endExchange(x);
      ctx.close();
      return;
    }
    x.requestComplete = true;
    x.closeAfter = true;
    respond(x, e.status(), "docker-filter rejected a malformed request: " + e.getMessage());
  }

  // --- forwarding --------------------------------------------------------------------------

  private void forward(Exchange x, HttpRequest clientToProxyRequest) {
    x.proxyToUpstreamRequest = UpstreamRequests.proxyToUpstream(x, clientToProxyRequest);
    sendUpstream(x);
  }

  private void sendUpstream(Exchange x) {
    if (upstream != null && upstream.isActive()) {
      writeUpstreamHead(x);
      return;
    }
    ChannelFuture connect = UpstreamRequests.connect(context, ctx.channel().eventLoop(), this);
    upstream = connect.channel();
    connect.addListener(
        (ChannelFuture f) -> {
          if (exchange != x || upstream != f.channel()) {
            f.channel().close();
            return;
          }
          if (!f.isSuccess()) {
            upstream = null;
            context.upstreamHealth().failed(context.connector().upstream(), f.cause());
            // Before respond(): a write that completes at once ends the exchange inside it.
            x.reason = "upstream-unavailable";
            respond(
                x,
                502,
                "docker-filter: cannot reach the Docker engine ("
                    + UpstreamRequests.describe(f.cause())
                    + ")");
            return;
          }
          context.upstreamHealth().connected(context.connector().upstream());
          writeUpstreamHead(x);
        });
  }

  private void writeUpstreamHead(Exchange x) {
    x.forwarded = true;
    upstream.config().setAutoRead(ctx.channel().isWritable());
    Duration headerTimeout = context.timeouts().upstreamHeaders();
    if (!headerTimeout.isZero()) {
      timer.arm(ctx.executor(), Deadline.UPSTREAM_HEADERS, headerTimeout);
    }
    Channel to = upstream;
    ChannelFuture written = to.write(x.proxyToUpstreamRequest);
    if (x.bodyForbidden()) {
      // The client's (empty) body is dropped, so the message to the engine ends here.
      written = to.write(LastHttpContent.EMPTY_LAST_CONTENT);
    }
    to.flush();
    written.addListener(
        (ChannelFuture f) -> {
          if (!f.isSuccess()) {
            upstreamWriteFailed(to, f.cause());
          } else if (exchange == x && !x.requestComplete) {
            requestRead();
          }
        });
  }

  private void upstreamWriteFailed(Channel to, Throwable cause) {
    upstreamClosed(to, "cannot write to the engine: " + UpstreamRequests.describe(cause));
    to.close();
  }

  // --- upstream side -----------------------------------------------------------------------

  void upstreamRead(Channel from, Object msg) {
    Exchange x = exchange;
    if (x != null && x.tunnel) {
      TunnelSwitch.relayLeftover(x, ctx.channel(), msg);
      return;
    }
    if (from != upstream || x == null || !x.forwarded || x.responseComplete) {
      // The engine spoke without being asked: that connection is out of step.
      ReferenceCountUtil.release(msg);
      from.close();
      return;
    }
    if (msg instanceof HttpResponse response) {
      onResponseHead(x, response);
      if (msg instanceof HttpContent) {
        ReferenceCountUtil.release(msg);
      }
    } else if (msg instanceof HttpContent content) {
      onResponseContent(x, content);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  void upstreamReadComplete() {
    ctx.flush();
  }

  private void onResponseHead(Exchange x, HttpResponse upstreamToProxyResponse) {
    if (timer.running(Deadline.UPSTREAM_HEADERS)) {
      timer.cancel();
    }
    if (upstreamToProxyResponse.decoderResult().isFailure()) {
      closeUpstream();
      failUpstream(x, 502, "malformed answer from the engine", "upstream-malformed");
      return;
    }
    int code = upstreamToProxyResponse.status().code();
    if (code == 101 && x.upgrade) {
      switchToTunnel(x, upstreamToProxyResponse);
      return;
    }
    if (code == 101) {
      // An upgraded connection is an unfiltered pipe both ways; policy never allowed one here.
      closeUpstream();
      x.closeAfter = true;
      failUpstream(x, 502, "the engine switched protocols, which is refused", "upstream-upgrade");
      return;
    }
    if (upstreamToProxyResponse.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
      return;
    }
    if (RedactedAnswer.hold(x, upstreamToProxyResponse)) {
      // Read whole before any of it is sent: the rewrite changes the body's length. Nothing has
      // reached the client yet, so the engine gets a deadline for the rest, as for its head.
      Duration headerTimeout = context.timeouts().upstreamHeaders();
      if (!headerTimeout.isZero()) {
        timer.arm(ctx.executor(), Deadline.UPSTREAM_HEADERS, headerTimeout);
      }
      return;
    }
    HttpResponse proxyToClientResponse =
        ResponseFraming.relayed(x, upstreamToProxyResponse, draining);
    if (x.streaming) {
      context.observer().streamStarted();
    }
    x.status = code;
    x.responseHeadSent = true;
    ctx.write(proxyToClientResponse);
  }

  private static boolean asksToUpgrade(HttpRequest request) {
    return request.headers().contains(HttpHeaderNames.UPGRADE)
        && request
            .headers()
            .containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
  }

  /**
   * The engine accepted an upgrade that a rule allows: answer 101, then turn both connections into
   * a raw two-way copy until either side closes. No HTTP is parsed after this point.
   */
  private void switchToTunnel(Exchange x, HttpResponse upstreamToProxyResponse) {
    timer.cancel();
    x.tunnel = true;
    x.status = 101;
    x.responseHeadSent = true;
    x.responseComplete = true;
    x.streaming = true;
    context.observer().streamStarted();
    ctx.writeAndFlush(TunnelSwitch.switchingProtocols(upstreamToProxyResponse));
    Runnable closed =
        () -> {
          if (!x.logged) {
            endExchange(x);
            context.observer().connectionClosed(listener);
          }
        };
    TunnelSwitch.rewire(ctx, upstream, x, closed);
  }

  private void onResponseContent(Exchange x, HttpContent content) {
    if (x.held != null && !x.responseHeadSent) {
      holdContent(x, content);
      return;
    }
    if (!x.responseHeadSent) {
      content.release();
      return;
    }
    if (content.decoderResult().isFailure()) {
      content.release();
      upstreamClosed(upstream, "malformed body from the engine");
      return;
    }
    boolean last = content instanceof LastHttpContent;
    x.bytesOut += content.content().readableBytes();
    ChannelFuture written = ctx.write(content);
    if (!last) {
      if (!ctx.channel().isWritable()) {
        upstream.config().setAutoRead(false);
      }
      return;
    }
    x.responseComplete = true;
    ctx.flush();
    if (x.upstreamCloses) {
      closeUpstream();
    }
    written.addListener(f -> maybeFinish(x));
  }

  private void holdContent(Exchange x, HttpContent content) {
    boolean malformed = content.decoderResult().isFailure();
    HeldAnswer.Added added = malformed ? null : x.held.add(content.content());
    boolean last = content instanceof LastHttpContent;
    content.release();
    if (added == HeldAnswer.Added.HELD && !last) {
      return;
    }
    if (timer.running(Deadline.UPSTREAM_HEADERS)) {
      timer.cancel();
    }
    if (added == HeldAnswer.Added.HELD) {
      sendRedacted(x);
      return;
    }
    // The rest of this answer will not be read: the engine's connection cannot be reused.
    x.held.release();
    closeUpstream();
    x.closeAfter = true;
    RedactedAnswer.Refusal refusal = RedactedAnswer.refusal(added);
    failUpstream(x, refusal.status(), refusal.what(), refusal.reason());
  }

  /** The whole answer is in: rewrite it, then send it with its new length. */
  private void sendRedacted(Exchange x) {
    if (x.upstreamCloses) {
      closeUpstream();
    }
    FullHttpResponse proxyToClientResponse;
    try {
      proxyToClientResponse = RedactedAnswer.rewrite(x, draining);
    } catch (RedactionException e) {
      // Fail closed: an answer that could not be checked for secrets is not sent at all.
      failUpstream(x, 502, "cannot redact the engine's answer: " + e.getMessage(), "redact-failed");
      return;
    }
    x.responseHeadSent = true;
    x.responseComplete = true;
    x.bytesOut += proxyToClientResponse.content().readableBytes();
    ctx.writeAndFlush(proxyToClientResponse).addListener(f -> maybeFinish(x));
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable() && upstream != null) {
      upstream.config().setAutoRead(true);
    }
    ctx.fireChannelWritabilityChanged();
  }

  /** The upstream connection {@code from} is gone; finish whatever depended on it. */
  void upstreamClosed(Channel from, String why) {
    if (from != upstream) {
      return;
    }
    upstream = null;
    Exchange x = exchange;
    if (x == null || !x.forwarded || x.responseComplete) {
      return;
    }
    if (!x.responseHeadSent) {
      if (x.retryable()) {
        // A kept-alive connection the engine dropped (e.g. it restarted): one fresh try.
        x.retried = true;
        sendUpstream(x);
        return;
      }
      failUpstream(x, 502, why + " before answering", "upstream-closed");
      return;
    }
    endCutStream(x);
  }

  /** The engine went away mid-response: end what the client has so far, then close. */
  private void endCutStream(Exchange x) {
    x.reason = "upstream-closed";
    x.closeAfter = true;
    x.responseComplete = true;
    x.requestComplete = true;
    if (x.clientChunked && !x.isHead()) {
      ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(f -> maybeFinish(x));
    } else {
      endExchange(x);
      ctx.close();
    }
  }

  private void failUpstream(Exchange x, int status, String what, String reason) {
    if (x.responseHeadSent) {
      endCutStream(x);
      return;
    }
    x.reason = reason;
    respond(x, status, "docker-filter: " + what);
  }

  private void closeUpstream() {
    Channel u = upstream;
    upstream = null;
    if (u != null) {
      u.close();
    }
  }

  // --- end of an exchange ------------------------------------------------------------------

  private void maybeFinish(Exchange x) {
    if (exchange != x || !x.responseComplete || x.tunnel) {
      // A tunnel ends only when one of its sides closes (TunnelHandler).
      return;
    }
    if (!x.requestComplete) {
      if (x.closeAfter) {
        endExchange(x);
        lingerAndClose();
      }
      return;
    }
    endExchange(x);
    if (x.closeAfter || draining) {
      lingerAndClose();
      return;
    }
    awaitNextRequest();
  }

  /**
   * Closes after a final answer without losing it. Closing while the client is still sending makes
   * its kernel drop the answer it has not read yet (a reset), so we shut down our sending side,
   * drop whatever else arrives for a short while, then close (RFC 9112 section 9.6).
   */
  private void lingerAndClose() {
    Channel channel = ctx.channel();
    if (lingering || !(channel instanceof DuplexChannel duplex) || !channel.isActive()) {
      ctx.close();
      return;
    }
    lingering = true;
    exchange = null;
    duplex.shutdownOutput();
    timer.arm(ctx.executor(), Deadline.LINGER, LINGER);
    requestRead();
  }

  private void endExchange(Exchange x) {
    if (x.held != null) {
      x.held.release();
    }
    if (!x.logged) {
      x.logged = true;
      if (x.streaming) {
        context.observer().streamEnded();
      }
      if (x.reason.startsWith("upstream-")) {
        context.observer().upstreamError(x.reason);
      }
      context.observer().exchangeEnded(x.toAccessEntry(client));
    }
  }

  private void awaitNextRequest() {
    exchange = null;
    if (draining) {
      ctx.close();
      return;
    }
    if (decoder.isReadingHead()) {
      timer.arm(ctx.executor(), Deadline.HEADER_READ, context.timeouts().headerRead());
    } else {
      timer.arm(ctx.executor(), Deadline.IDLE, context.timeouts().idle());
    }
    requestRead();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      inputEnded = true;
      if (readWanted || (exchange != null && exchange.streaming)) {
        clientInputEnded();
      }
      return;
    }
    if (evt == ConnectionRegistry.CUT) {
      cutAtStop = true;
      return;
    }
    if (evt == ConnectionRegistry.DRAIN) {
      draining = true;
      if (exchange == null) {
        ctx.close();
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    timer.stop();
    Exchange x = exchange;
    if (x != null && !x.logged) {
      if (!x.responseComplete) {
        x.reason = cutAtStop ? "proxy-stopped" : "client-closed";
      }
      endExchange(x);
    }
    exchange = null;
    closeUpstream();
    if (opened) {
      context.observer().connectionClosed(listener);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof IOException)) {
      LOG.atWarn()
          .setMessage("closing a client connection after an unexpected error")
          .addKeyValue("client", client)
          .setCause(cause)
          .log();
    }
    ctx.close();
  }

  // --- timers ------------------------------------------------------------------------------

  private void timerFired(Deadline deadline) {
    switch (deadline) {
      case HEADER_READ:
        answerAndClose(
            408,
            "docker-filter: request header not complete within "
                + Durations.format(context.timeouts().headerRead()),
            "-",
            "-",
            "header-read-timeout");
        break;
      case UPSTREAM_HEADERS:
        upstreamHeadersTimedOut();
        break;
      default:
        ctx.close();
        break;
    }
  }

  private void upstreamHeadersTimedOut() {
    Exchange x = exchange;
    closeUpstream();
    if (x != null) {
      failUpstream(
          x,
          504,
          "the engine did not answer within "
              + Durations.format(context.timeouts().upstreamHeaders()),
          "upstream-timeout");
    }
  }

  private static MalformedRequestException asMalformed(Throwable cause) {
    if (cause instanceof MalformedRequestException e) {
      return e;
    }
    return new MalformedRequestException(400, String.valueOf(cause.getMessage()));
  }
}
