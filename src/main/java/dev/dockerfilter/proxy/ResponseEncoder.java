package dev.dockerfilter.proxy;

import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;

/**
 * Encodes responses to the client; it knows when the answer is to a HEAD request, whose headers
 * describe a body that is never sent (RFC 9110 section 9.3.2).
 */
final class ResponseEncoder extends HttpResponseEncoder {
  private boolean answeringHead;

  /** Set before a response is written; exchanges on one connection never overlap. */
  void answeringHead(boolean head) {
    this.answeringHead = head;
  }

  @Override
  protected boolean isContentAlwaysEmpty(HttpResponse msg) {
    return answeringHead || super.isContentAlwaysEmpty(msg);
  }
}
