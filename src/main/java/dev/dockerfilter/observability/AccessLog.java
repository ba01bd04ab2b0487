package dev.dockerfilter.observability;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes one line per exchange, with a fixed key order, through the {@code access} logger. */
public final class AccessLog implements ExchangeObserver {
  private static final Logger LOG = LoggerFactory.getLogger("access");

  /** Wire data longer than this is cut before it reaches a log line. */
  static final int MAX_TARGET_CHARS = 1024;

  @Override
  public void exchangeEnded(AccessEntry e) {
    write(e);
  }

  public static void write(AccessEntry e) {
    LOG.atInfo()
        .setMessage("access")
        .addKeyValue("client", e.client())
        .addKeyValue("method", truncate(e.method()))
        .addKeyValue("target", truncate(e.target()))
        .addKeyValue("path", truncate(e.path()))
        .addKeyValue("decision", e.decision())
        .addKeyValue("rule", e.rule())
        .addKeyValue("reason", e.reason())
        .addKeyValue("status", e.status())
        .addKeyValue("bytes_in", e.bytesIn())
        .addKeyValue("bytes_out", e.bytesOut())
        .addKeyValue("duration_ms", String.format(Locale.ROOT, "%.3f", e.durationMillis()))
        .log();
  }

  private static String truncate(String s) {
    return s.length() <= MAX_TARGET_CHARS ? s : s.substring(0, MAX_TARGET_CHARS) + "...";
  }
}
