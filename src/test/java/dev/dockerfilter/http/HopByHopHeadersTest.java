package dev.dockerfilter.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HopByHopHeadersTest {

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      textBlock =
          """
          # header lines in, separated by ';'                         | header names kept, in order
          Accept: */*;User-Agent: x                                    | Accept,User-Agent
          Connection: keep-alive;Keep-Alive: 5;Accept: */*             | Accept
          Connection: Upgrade;Upgrade: tcp;Host: d                     | Host
          Proxy-Connection: close;Proxy-Authorization: b;X-A: 1        | X-A
          Proxy-Authenticate: x;TE: trailers;Trailer: X-T;X-B: 2       | X-B
          Transfer-Encoding: chunked;Content-Type: application/json    | Content-Type
          Connection: close, X-Trace;X-Trace: 1;X-Other: 2             | X-Other
          Connection: X-One;Connection: x-two ,;X-One: 1;X-TWO: 2;X: 3 | X
          CONNECTION: X-Secret;x-secret: 1;Accept: */*                 | Accept
          X-Registry-Auth: abc;Connection: close                       | X-Registry-Auth
          """)
  void dropsHopByHopHeaders(String lines, String kept) {
    HttpHeaders in = DefaultHttpHeadersFactory.headersFactory().newHeaders();
    for (String line : lines.split(";")) {
      String[] field = line.split(":", 2);
      in.add(field[0], field[1].strip());
    }

    HttpHeaders out = HopByHopHeaders.endToEnd(in);

    assertThat(String.join(",", names(out))).isEqualTo(kept);
  }

  @Test
  void keepsValuesAndRepeatsAndLeavesTheInputAlone() {
    HttpHeaders in = DefaultHttpHeadersFactory.headersFactory().newHeaders();
    in.add("Accept", "a").add("Accept", "b").add("Connection", "close");

    HttpHeaders out = HopByHopHeaders.endToEnd(in);

    assertThat(out.getAll("Accept")).containsExactly("a", "b");
    assertThat(out.contains("Connection")).isFalse();
    assertThat(in.contains("Connection")).isTrue();
  }

  private static List<String> names(HttpHeaders headers) {
    List<String> names = new ArrayList<>();
    for (Map.Entry<String, String> field : headers) {
      names.add(field.getKey());
    }
    return names;
  }
}
