package dev.dockerfilter.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads one line of docker-filter's log, in logfmt or JSON, into its keys.
 *
 * <p>Examples: {@code time=… level=info msg=access client="uid=0,pid=7" method=GET …} and {@code
 * {"time":"…","level":"info","msg":"access","method":"GET",…}}.
 */
final class AccessLogLine {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AccessLogLine() {}

  /** The keys of LINE, or empty when it is neither logfmt nor JSON. */
  static Optional<Map<String, String>> parse(String line) {
    String text = line.strip();
    if (text.startsWith("{")) {
      return json(text);
    }
    return logfmt(text);
  }

  private static Optional<Map<String, String>> json(String text) {
    try {
      JsonNode node = JSON.readTree(text);
      if (!node.isObject()) {
        return Optional.empty();
      }
      Map<String, String> fields = new LinkedHashMap<>();
      node.properties().forEach(field -> fields.put(field.getKey(), field.getValue().asText()));
      return Optional.of(fields);
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }

  private static Optional<Map<String, String>> logfmt(String text) {
    // key=value key="quoted \" value" ...
    Map<String, String> fields = new LinkedHashMap<>();
    int i = 0;
    while (i < text.length()) {
      int equals = text.indexOf('=', i);
      if (equals <= i || text.substring(i, equals).contains(" ")) {
        return Optional.empty();
      }
      String key = text.substring(i, equals);
      StringBuilder value = new StringBuilder();
      i =
          text.startsWith("\"", equals + 1)
              ? quoted(text, equals + 2, value)
              : bare(text, equals + 1, value);
      if (i < 0) {
        return Optional.empty();
      }
      fields.put(key, value.toString());
      while (i < text.length() && text.charAt(i) == ' ') {
        i++;
      }
    }
    return Optional.of(fields);
  }

  private static int bare(String text, int start, StringBuilder value) {
    int end = text.indexOf(' ', start);
    end = end < 0 ? text.length() : end;
    value.append(text, start, end);
    return end;
  }

  /** Reads up to the closing quote; returns the index after it, or -1 when there is none. */
  private static int quoted(String text, int start, StringBuilder value) {
    for (int i = start; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"') {
        return i + 1;
      }
      if (c != '\\' || i + 1 >= text.length()) {
        value.append(c);
        continue;
      }
      char escaped = text.charAt(++i);
      if (escaped == 'x' && i + 2 < text.length() && isHex(text, i + 1) && isHex(text, i + 2)) {
        value.append((char) Integer.parseInt(text.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        value.append(escaped);
      }
    }
    return -1;
  }

  private static boolean isHex(String text, int index) {
    return "0123456789abcdefABCDEF".indexOf(text.charAt(index)) >= 0;
  }
}
