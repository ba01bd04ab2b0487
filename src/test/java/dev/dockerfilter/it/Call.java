package dev.dockerfilter.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * One request a client sends, and what must come back through the proxy: the engine's own status
 * when the policy lets it through, or docker-filter's 403 when it does not.
 *
 * @param method the request method
 * @param target the raw target, as the client sends it
 * @param body a JSON body, or null for none
 * @param status the engine's status for an allowed call, or {@link #REFUSED}
 */
record Call(String method, String target, String body, int status) {
  static final int REFUSED = 403;
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  static Call answered(String method, String target, int status) {
    return new Call(method, target, null, status);
  }

  static Call answered(String method, String target, String body, int status) {
    return new Call(method, target, body, status);
  }

  static Call refused(String method, String target) {
    return new Call(method, target, null, REFUSED);
  }

  /** Sends the call through PROXY on a fresh connection and checks what comes back. */
  RawHttp.Response check(ProxyProcess proxy) {
    RawHttp.Response response;
    try {
      response = RawHttp.exchange(proxy.address(), RawHttp.request(method, target, body), TIMEOUT);
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + target + " through the proxy", e);
    }
    String what = method + " " + target + " -> " + response + "\n" + proxy.describe();
    if (status == REFUSED) {
      assertThat(response.status()).as(what).isEqualTo(403);
      assertThat(response.field("Content-Type")).as(what).contains("application/json");
      assertThat(response.bodyText()).as(what).contains("docker-filter refused " + method + " ");
    } else {
      // The engine's answer, passed through: never docker-filter's refusal.
      assertThat(response.status()).as(what).isEqualTo(status);
      assertThat(response.bodyText()).as(what).doesNotContain("docker-filter refused");
    }
    return response;
  }
}
