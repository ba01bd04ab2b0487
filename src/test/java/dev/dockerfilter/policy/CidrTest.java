package dev.dockerfilter.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CidrTest {

  @ParameterizedTest(name = "{0} contains {1}: {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          10.0.0.0/8       | 10.0.0.0           | true
          10.0.0.0/8       | 10.255.255.255     | true
          10.0.0.0/8       | 11.0.0.0           | false
          10.0.0.0/8       | 9.255.255.255      | false
          192.168.1.7      | 192.168.1.7        | true
          192.168.1.7      | 192.168.1.8        | false
          192.168.1.7/32   | 192.168.1.7        | true
          0.0.0.0/0        | 203.0.113.9        | true
          0.0.0.0/0        | ::1                | false
          172.16.0.0/12    | 172.31.255.1       | true
          172.16.0.0/12    | 172.32.0.1         | false
          # an IPv4 client on a dual-stack listener arrives IPv4-mapped
          10.0.0.0/8       | ::ffff:10.1.2.3    | true
          ::1/128          | ::1                | true
          ::1              | ::2                | false
          fd00::/8         | fd12:3456::1       | true
          fd00::/8         | fe80::1            | false
          ::/0             | 10.0.0.1           | false
          """)
  void matchesAddressesInTheRange(String range, String address, boolean expected)
      throws UnknownHostException {
    assertThat(Cidr.parse(range).contains(InetAddress.getByName(address))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          10.0.0.0/8      | 10.0.0.0/8
          192.168.1.7     | 192.168.1.7/32
          fd00::/8        | fd00:0:0:0:0:0:0:0/8
          ::1             | 0:0:0:0:0:0:0:1/128
          """)
  void printsTheRangeInCanonicalForm(String range, String printed) {
    assertThat(Cidr.parse(range)).hasToString(printed);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      textBlock =
          """
          10.0.0.1/8         | host bits set in CIDR range: '10.0.0.1/8' (expected 10.0.0.0/8)
          10.0.0.0/33        | prefix length too long in CIDR range: '10.0.0.0/33' (expected 0 to 32)
          fd00::/129         | prefix length too long in CIDR range: 'fd00::/129' (expected 0 to 128)
          10.0.0.0/x         | bad prefix length in CIDR range: '10.0.0.0/x' (expected a number after '/')
          10.0.0.0/          | bad prefix length in CIDR range: '10.0.0.0/' (expected a number after '/')
          localhost          | not an IP range: 'localhost' (expected an address and a prefix, e.g. 10.0.0.0/8)
          example.com/8      | not an IP range: 'example.com/8' (expected an address and a prefix, e.g. 10.0.0.0/8)
          10.0.0             | not an IP range: '10.0.0' (expected an address and a prefix, e.g. 10.0.0.0/8)
          256.0.0.0/8        | not an IP address in CIDR range: '256.0.0.0/8' (expected e.g. 10.0.0.0/8)
          ""                 | not an IP range: '' (expected an address and a prefix, e.g. 10.0.0.0/8)
          """)
  void rejectsWhatIsNotALiteralRange(String range, String message) {
    assertThatThrownBy(() -> Cidr.parse(range))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }
}
