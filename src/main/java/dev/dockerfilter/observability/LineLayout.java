package dev.dockerfilter.observability;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.event.KeyValuePair;

/**
 * Renders a log event as one line: {@code time}, {@code level}, {@code msg}, then the event's
 * key-value pairs in the order they were added, then {@code error} for an attached exception.
 */
final class LineLayout extends LayoutBase<ILoggingEvent> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

  /** The text of the last second a line was written in; threads may race to replace it. */
  private static volatile Second lastSecond = new Second(Long.MIN_VALUE, "");

  private record Second(long epochSecond, String text) {}

  private final LogFormat format;

  LineLayout(LogFormat format) {
    this.format = format;
  }

  @Override
  public String doLayout(ILoggingEvent event) {
    Map<String, Object> fields = fields(event);
    return format == LogFormat.JSON ? json(fields) : logfmt(fields);
  }

  /**
   * ISO 8601 in UTC with milliseconds, {@code 2026-12-04T07:13:49.780Z}. Formatting a date is slow
   * next to the rest of an access line, so each second's text is made once.
   */
  static String time(long epochMillis) {
    long epochSecond = Math.floorDiv(epochMillis, 1000);
    Second second = lastSecond;
    if (second.epochSecond() != epochSecond) {
      second = new Second(epochSecond, SECONDS.format(Instant.ofEpochSecond(epochSecond)));
      lastSecond = second;
    }
    int millis = Math.floorMod(epochMillis, 1000);
    StringBuilder text = new StringBuilder(24).append(second.text()).append('.');
    if (millis < 100) {
      text.append(millis < 10 ? "00" : "0");
    }
    return text.append(millis).append('Z').toString();
  }

  private static Map<String, Object> fields(ILoggingEvent event) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("time", time(event.getTimeStamp()));
    fields.put("level", event.getLevel().toString().toLowerCase(Locale.ROOT));
    fields.put("msg", event.getFormattedMessage());
    if (event.getKeyValuePairs() != null) {
      for (KeyValuePair kv : event.getKeyValuePairs()) {
        fields.put(kv.key, kv.value);
      }
    }
    IThrowableProxy error = event.getThrowableProxy();
    if (error != null) {
      fields.put("error", error.getClassName() + ": " + error.getMessage());
    }
    return fields;
  }

  private static String json(Map<String, Object> fields) {
    try {
      return JSON.writeValueAsString(fields) + System.lineSeparator();
    } catch (JsonProcessingException e) {
      return "{\"msg\":\"unprintable log event\"}" + System.lineSeparator();
    }
  }

  private static String logfmt(Map<String, Object> fields) {
    StringBuilder line = new StringBuilder(160);
    for (Map.Entry<String, Object> field : fields.entrySet()) {
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(field.getKey()).append('=');
      appendValue(line, String.valueOf(field.getValue()));
    }
    return line.append(System.lineSeparator()).toString();
  }

  /** Quotes a value that is empty or holds a space, quote, '=' or any non-printable character. */
  static void appendValue(StringBuilder line, String value) {
    if (!needsQuotes(value)) {
      line.append(value);
      return;
    }
    line.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        line.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f) {
        line.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
      } else {
        line.append(c);
      }
    }
    line.append('"');
  }

  private static boolean needsQuotes(String value) {
    if (value.isEmpty()) {
      return true;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f) {
        return true;
      }
    }
    return false;
  }
}
