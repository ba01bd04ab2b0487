package dev.dockerfilter.observability;

import java.math.BigDecimal;
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

  /**
   * 1.23456 -> 1.235, printed as {@code %.3f} writes it, without a Formatter per line; a number, so
   * that the JSON format writes {@code "duration_ms":1.235} like the other numbers.
   */
  static BigDecimal millis(double millis) {
    return BigDecimal.valueOf(Math.round(millis * 1000), 3);
  }

  private static String truncate(String s) {
    return s.length() <= MAX_TARGET_CHARS ? s : s.substring(0, MAX_TARGET_CHARS) + "...";
  }
}
