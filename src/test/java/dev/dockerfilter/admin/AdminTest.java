package dev.dockerfilter.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.dockerfilter.config.Endpoint;
import dev.dockerfilter.config.ProxyConfig;
import dev.dockerfilter.observability.AccessLog;
import dev.dockerfilter.observability.ExchangeObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AdminTest {
  private static final ProxyConfig CONFIG =
      new ProxyConfig(
          List.of(new Endpoint.Unix(Path.of("/run/df/docker.sock"))),
          new Endpoint.Unix(Path.of("/var/run/docker.sock")),
          new ProxyConfig.SocketFile(0660, ""),
          new ProxyConfig.Limits(8192, 16384, 1024),
          new ProxyConfig.Timeouts(
              Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(5), Duration.ZERO),
          Duration.ofSeconds(10),
          1);

  @Test
  void isOffByDefaultAndThenAddsNoObserver() {
    Admin admin = Admin.parse("", CONFIG);
    ExchangeObserver accessLog = new AccessLog();
    assertThat(admin.enabled()).isFalse();
    assertThat(admin.observe(accessLog)).isSameAs(accessLog);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "unix:///run/df/admin.sock",
        "tcp://127.0.0.1:9180",
        "tcp://127.0.0.2:9180",
        "tcp://localhost:9180",
        "tcp://[::1]:9180"
      })
  void acceptsUnixSocketsAndLoopback(String uri) {
    Admin admin = Admin.parse(uri, CONFIG);
    assertThat(admin.enabled()).isTrue();
    assertThat(admin.observe(new AccessLog())).isNotInstanceOf(AccessLog.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp://0.0.0.0:9180", "tcp://10.1.2.3:9180", "tcp://[::]:9180"})
  void refusesAddressesBeyondLoopback(String uri) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Admin.parse(uri, CONFIG))
        .withMessageStartingWith("admin listener is not on loopback: '" + uri + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"unix:///run/df/docker.sock", "unix:///var/run/docker.sock"})
  void refusesTheProxysOwnSockets(String uri) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Admin.parse(uri, CONFIG))
        .withMessageStartingWith("admin listener is already in use: '" + uri + "'");
  }

  @Test
  void refusesAnUnknownScheme() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Admin.parse("http://127.0.0.1:9180", CONFIG))
        .withMessageContaining("unsupported address");
  }
}
