package dev.dockerfilter.observability;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes one line per exchange, with a fixed key order, through the {@code access} logger. */
public final class AccessLog implements ExchangeObserver {
  /** The logger of access lines, which {@link Logging} writes in batches. */
  static final String LOGGER_NAME = "access";

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER_NAME);

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
        .addKeyValue("duration_ms", millis(e.durationMillis()))
        .log();
  }

  /** 1.23456 -> "1.235", as {@code %.3f} writes it, without a Formatter per line. */
  static String millis(double millis) {
    long thousandths = Math.round(millis * 1000);
    long whole = thousandths / 1000;
    long fraction = thousandths % 1000;
    return whole + (fraction < 10 ? ".00" : fraction < 100 ? ".0" : ".") + fraction;
  }

  private static String truncate(String s) {
    return s.length() <= MAX_TARGET_CHARS ? s : s.substring(0, MAX_TARGET_CHARS) + "...";
  }
}
