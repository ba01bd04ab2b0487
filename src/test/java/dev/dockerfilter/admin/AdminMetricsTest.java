package dev.dockerfilter.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockerfilter.observability.AccessEntry;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AdminMetricsTest {

  @ParameterizedTest
  @CsvSource({
    "GET,     GET",
    "HEAD,    HEAD",
    "POST,    POST",
    "DELETE,  DELETE",
    "get,     OTHER",
    "BREW,    OTHER",
    "-,       OTHER",
    "'',      OTHER",
  })
  void boundsTheMethodLabel(String method, String label) {
    assertThat(AdminMetrics.method(method)).isEqualTo(label);
  }

  @ParameterizedTest
  @CsvSource({
    "allowed-by-rule,              allowed-by-rule",
    "allow-container-list,         allow-container-list",
    "-,                            -",
    "'/containers/x/json',         other",
    "'has space',                  other",
    "'quote\"',                    other",
  })
  void boundsCodeLabels(String code, String label) {
    assertThat(AdminMetrics.code(code)).isEqualTo(label);
  }

  @Test
  void neverLabelsARawPathOrTarget() throws IOException {
    AdminMetrics metrics = new AdminMetrics();
    metrics.exchangeEnded(entry("GET", "/containers/secret-name/json", "allow", "allow-inspect"));

    String text = scrape(metrics);
    assertThat(text).doesNotContain("secret-name");
    assertThat(text)
        .contains(
            "docker_filter_requests_total{decision=\"allow\",method=\"GET\","
                + "reason=\"allowed-by-rule\",rule=\"allow-inspect\"} 1.0");
  }

  @Test
  void splitsStreamsFromOrdinaryExchangesInTheLatencyHistogram() throws IOException {
    AdminMetrics metrics = new AdminMetrics();
    metrics.streamStarted();
    assertThat(scrape(metrics)).contains("docker_filter_streams_active 1.0");
    metrics.streamEnded();
    metrics.exchangeEnded(entry("GET", "/events", "allow", "allow-events"));
    metrics.exchangeEnded(entry("GET", "/_ping", "allow", "allow-ping"));

    String text = scrape(metrics);
    assertThat(text)
        .contains("docker_filter_streams_active 0.0")
        .contains(
            "docker_filter_request_duration_seconds_count{decision=\"allow\",stream=\"true\"} 1")
        .contains(
            "docker_filter_request_duration_seconds_count{decision=\"allow\",stream=\"false\"} 1");
  }

  @Test
  void countsReloadsAndRemembersTheLastOutcome() throws IOException {
    AdminMetrics metrics = new AdminMetrics();
    metrics.reloaded(true);
    metrics.reloaded(false);

    String text = scrape(metrics);
    assertThat(text)
        .contains("docker_filter_config_reloads_total{result=\"success\"} 1.0")
        .contains("docker_filter_config_reloads_total{result=\"failure\"} 1.0")
        .contains("docker_filter_config_last_reload_successful 0.0");
  }

  @Test
  void tracksConnectionsPerListenerAndUpstreamErrorsByKind() throws IOException {
    AdminMetrics metrics = new AdminMetrics();
    metrics.connectionOpened("unix:///run/a.sock");
    metrics.connectionOpened("unix:///run/a.sock");
    metrics.connectionClosed("unix:///run/a.sock");
    metrics.upstreamError("upstream-unavailable");

    String text = scrape(metrics);
    assertThat(text)
        .contains("docker_filter_connections_active{listener=\"unix:///run/a.sock\"} 1.0")
        .contains("docker_filter_connections_total{listener=\"unix:///run/a.sock\"} 2.0")
        .contains("docker_filter_upstream_errors_total{kind=\"upstream-unavailable\"} 1.0")
        .contains("docker_filter_build_info{");
  }

  private static AccessEntry entry(String method, String path, String decision, String rule) {
    return new AccessEntry(
        Instant.now(),
        "uid=0,pid=1",
        method,
        path,
        path,
        decision,
        rule,
        decision.equals("allow") ? "allowed-by-rule" : "no-rule-for-path",
        200,
        0,
        2,
        1.5);
  }

  private static String scrape(AdminMetrics metrics) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape());
    return out.toString(StandardCharsets.UTF_8);
  }
}
