package dev.dockerfilter.policy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * A range of IP addresses written as an address and a prefix length, e.g. {@code 10.0.0.0/8} or
 * {@code fd00::/8}; an address alone is a range of one ({@code /32} or {@code /128}).
 *
 * <p>Only literal addresses are accepted, never host names: a range must not depend on DNS. An IPv4
 * client seen as an IPv4-mapped IPv6 address ({@code ::ffff:10.1.2.3}, on a dual-stack listener) is
 * matched as the IPv4 address it is.
 */
public final class Cidr {

  private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private final byte[] network;
  private final int prefixLength;
  private final String text;

  private Cidr(byte[] network, int prefixLength, String text) {
    this.network = network;
    this.prefixLength = prefixLength;
    this.text = text;
  }

  /**
   * Parses {@code 192.168.1.0/24}, {@code 10.1.2.3} or {@code fd00::/8}.
   *
   * @throws IllegalArgumentException if it is not a literal range, or its host bits are set
   */
  public static Cidr parse(String text) {
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    byte[] bytes = literal(address, text);
    int maxLength = bytes.length * 8;
    int prefixLength = slash < 0 ? maxLength : prefixLength(text.substring(slash + 1), text);
    if (prefixLength > maxLength) {
      throw new IllegalArgumentException(
          "prefix length too long in CIDR range: '" + text + "' (expected 0 to " + maxLength + ")");
    }
    byte[] network = masked(bytes, prefixLength);
    if (!Arrays.equals(network, bytes)) {
      throw new IllegalArgumentException(
          "host bits set in CIDR range: '"
              + text
              + "' (expected "
              + format(network)
              + "/"
              + prefixLength
              + ")");
    }
    return new Cidr(network, prefixLength, format(network) + "/" + prefixLength);
  }

  /** Whether ADDRESS lies in this range. */
  public boolean contains(InetAddress address) {
    byte[] bytes = unmapped(address.getAddress());
    return bytes.length == network.length && Arrays.equals(masked(bytes, prefixLength), network);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Cidr that && text.equals(that.text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  /** The range in canonical form, e.g. {@code 10.0.0.0/8}. */
  @Override
  public String toString() {
    return text;
  }

  private static byte[] literal(String address, String text) {
    boolean ipv4 = IPV4.matcher(address).matches();
    if (!ipv4 && !IPV6.matcher(address).matches()) {
      throw new IllegalArgumentException(
          "not an IP range: '" + text + "' (expected an address and a prefix, e.g. 10.0.0.0/8)");
    }
    try {
      // A literal never causes a DNS lookup: the patterns above let no host name through.
      return InetAddress.getByName(address).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(
          "not an IP address in CIDR range: '" + text + "' (expected e.g. 10.0.0.0/8)", e);
    }
  }

  private static int prefixLength(String digits, String text) {
    if (!digits.matches("[0-9]{1,3}")) {
      throw new IllegalArgumentException(
          "bad prefix length in CIDR range: '" + text + "' (expected a number after '/')");
    }
    return Integer.parseInt(digits);
  }

  private static byte[] masked(byte[] bytes, int prefixLength) {
    byte[] result = bytes.clone();
    for (int bit = prefixLength; bit < result.length * 8; bit++) {
      result[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    return result;
  }

  private static byte[] unmapped(byte[] bytes) {
    // ::ffff:a.b.c.d -> a.b.c.d
    if (bytes.length != 16) {
      return bytes;
    }
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return bytes;
      }
    }
    if (bytes[10] != (byte) 0xff || bytes[11] != (byte) 0xff) {
      return bytes;
    }
    return Arrays.copyOfRange(bytes, 12, 16);
  }

  private static String format(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
