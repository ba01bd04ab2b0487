package dev.dockerfilter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointTest {

  /** Messages and log lines print endpoints, alone or in lists, as the URIs a user wrote. */
  @ParameterizedTest
  @ValueSource(strings = {"unix:///tmp/x/live2.sock", "tcp://127.0.0.1:2375", "tcp://[::1]:2375"})
  void printsItselfAsItsUri(String uri) {
    Endpoint endpoint = Endpoint.parse(uri);

    assertThat(endpoint.uri()).isEqualTo(uri);
    assertThat(endpoint).hasToString(uri);
    assertThat(List.of(endpoint)).hasToString("[" + uri + "]");
  }

  @Test
  void namesATwiceGivenListenerByItsUri() {
    Endpoint live = Endpoint.parse("unix:///tmp/x/live2.sock");

    assertThatThrownBy(
            () ->
                new ProxyConfig(
                    List.of(live, live),
                    Endpoint.parse("unix:///var/run/docker.sock"),
                    new ProxyConfig.SocketFile(0660, ""),
                    new ProxyConfig.Limits(8192, 16384, 64),
                    new ProxyConfig.Timeouts(
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(1)),
                    Duration.ZERO,
                    1))
        .hasMessage(
            "a listener is given twice: '[unix:///tmp/x/live2.sock, unix:///tmp/x/live2.sock]'"
                + " (expected distinct addresses)");
  }
}
