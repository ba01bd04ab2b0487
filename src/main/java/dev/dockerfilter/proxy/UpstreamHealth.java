package dev.dockerfilter.proxy;

import dev.dockerfilter.config.Endpoint;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs when the engine becomes unreachable and when it is back, once each, not per request. */
final class UpstreamHealth {
  private static final Logger LOG = LoggerFactory.getLogger(UpstreamHealth.class);

  private final AtomicBoolean down = new AtomicBoolean();

  void failed(Endpoint upstream, Throwable cause) {
    if (down.compareAndSet(false, true)) {
      LOG.atWarn()
          .setMessage("engine unreachable; answering 502 until it is back")
          .addKeyValue("upstream", upstream.uri())
          .addKeyValue("error", UpstreamRequests.describe(cause))
          .addKeyValue("detail", String.valueOf(cause))
          .log();
    }
  }

  void connected(Endpoint upstream) {
    if (down.compareAndSet(true, false)) {
      LOG.atInfo()
          .setMessage("engine reachable again")
          .addKeyValue("upstream", upstream.uri())
          .log();
    }
  }
}
