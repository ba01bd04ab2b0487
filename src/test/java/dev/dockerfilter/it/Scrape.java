package dev.dockerfilter.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One scrape of the admin listener's {@code /metrics}, parsed from the Prometheus text format into
 * series and values, for example {@code docker_filter_requests_total{decision="allow",...} 2.0}.
 */
final class Scrape {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final String text;
  private final Map<String, Double> series;

  private Scrape(String text, Map<String, Double> series) {
    this.text = text;
    this.series = series;
  }

  /** GET PATH on the admin listener at ADMIN (unix:///path or tcp://127.0.0.1:port). */
  static RawHttp.Response get(String admin, String path) throws IOException {
    return RawHttp.exchange(admin, RawHttp.request("GET", path, null), TIMEOUT);
  }

  static Scrape of(String admin) {
    try {
      RawHttp.Response response = get(admin, "/metrics");
      assertThat(response.status()).as("GET /metrics: %s", response).isEqualTo(200);
      assertThat(response.field("content-type"))
          .hasValueSatisfying(t -> t.startsWith("text/plain"));
      return parse(response.bodyText());
    } catch (IOException e) {
      throw new UncheckedIOException("GET /metrics on " + admin, e);
    }
  }

  static Scrape parse(String text) {
    Map<String, Double> series = new LinkedHashMap<>();
    for (String line : text.lines().toList()) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int split = line.lastIndexOf(' ');
      series.put(key(line.substring(0, split)), Double.parseDouble(line.substring(split + 1)));
    }
    return new Scrape(text, series);
  }

  String text() {
    return text;
  }

  /** The value of NAME with exactly these LABELS (name, value, name, value...), or 0 if absent. */
  double value(String name, String... labels) {
    return series.getOrDefault(key(name, labels), 0.0);
  }

  /** The sum over every series of NAME whose labels include LABELS. */
  double sum(String name, String... labels) {
    Map<String, String> wanted = pairs(labels);
    double sum = 0;
    for (Map.Entry<String, Double> entry : series.entrySet()) {
      String key = entry.getKey();
      String seriesName = key.contains("{") ? key.substring(0, key.indexOf('{')) : key;
      if (seriesName.equals(name) && labelsOf(key).entrySet().containsAll(wanted.entrySet())) {
        sum += entry.getValue();
      }
    }
    return sum;
  }

  private static String key(String name, String... labels) {
    Map<String, String> sorted = pairs(labels);
    if (sorted.isEmpty()) {
      return name;
    }
    StringBuilder key = new StringBuilder(name).append('{');
    sorted.forEach((k, v) -> key.append(k).append("=\"").append(v).append("\","));
    return key.append('}').toString();
  }

  private static Map<String, String> pairs(String... labels) {
    Map<String, String> sorted = new TreeMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      sorted.put(labels[i], labels[i + 1]);
    }
    return sorted;
  }

  /** Normalises {@code name{b="2",a="1"}} to {@code name{a="1",b="2",}}. */
  private static String key(String seriesText) {
    int brace = seriesText.indexOf('{');
    if (brace < 0) {
      return seriesText;
    }
    Map<String, String> labels = labelsOf(seriesText);
    String[] flat = new String[labels.size() * 2];
    int i = 0;
    for (Map.Entry<String, String> label : labels.entrySet()) {
      flat[i++] = label.getKey();
      flat[i++] = label.getValue();
    }
    return key(seriesText.substring(0, brace), flat);
  }

  /** Label values here never hold quotes or commas: they are codes, methods and URIs. */
  private static Map<String, String> labelsOf(String seriesText) {
    Map<String, String> labels = new TreeMap<>();
    int brace = seriesText.indexOf('{');
    if (brace < 0) {
      return labels;
    }
    String inside = seriesText.substring(brace + 1, seriesText.lastIndexOf('}'));
    for (String pair : inside.split(",")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      labels.put(pair.substring(0, eq), pair.substring(eq + 2, pair.length() - 1));
    }
    return labels;
  }
}
