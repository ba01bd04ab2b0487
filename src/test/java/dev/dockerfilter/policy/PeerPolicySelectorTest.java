package dev.dockerfilter.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dockerfilter.policy.ClientMatch.Network;
import dev.dockerfilter.policy.ClientMatch.UnixIds;
import dev.dockerfilter.policy.PeerPolicySelector.ClientRule;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PeerPolicySelectorTest {

  private static final Policy ROOT = RuleListPolicy.of("root", List.of());
  private static final Policy DOCKER_GROUP = RuleListPolicy.of("docker-group", List.of());
  private static final Policy AGENT = RuleListPolicy.of("agent", List.of());
  private static final Policy OTHERS = RuleListPolicy.of("others", List.of());
  private static final Policy LAN = RuleListPolicy.of("lan", List.of());

  private static final PeerPolicySelector UNIX =
      PeerPolicySelector.withOthers(
          List.of(
              new ClientRule(new UnixIds(0, UnixIds.ANY), ROOT),
              new ClientRule(new UnixIds(1000, 1000), AGENT),
              new ClientRule(new UnixIds(UnixIds.ANY, 999), DOCKER_GROUP),
              new ClientRule(new UnixIds(4_294_967_294L, UnixIds.ANY), AGENT)),
          OTHERS);

  private static final PeerPolicySelector TCP =
      PeerPolicySelector.refusingOthers(
          List.of(
              new ClientRule(new Network(Cidr.parse("10.1.0.0/16")), AGENT),
              new ClientRule(new Network(Cidr.parse("10.0.0.0/8")), LAN)));

  @ParameterizedTest(name = "uid={0} gid={1} -> {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          0          | 0     | root
          0          | 999   | root
          1000       | 1000  | agent
          1000       | 999   | docker-group
          1000       | 5     | others
          5          | 999   | docker-group
          5          | 5     | others
          # uids past 2^31 arrive from the kernel as negative ints
          -2         | 5     | agent
          """)
  void picksTheFirstMatchingUnixClientRule(int uid, int gid, String policy) {
    assertThat(UNIX.select(new Peer.Unix(uid, gid, 1234))).map(Policy::name).contains(policy);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          10.1.2.3         | agent
          10.2.0.1         | lan
          ::ffff:10.1.0.9  | agent
          192.168.0.1      | -
          ::1              | -
          """)
  void refusesTcpClientsOutsideEveryRange(String address, String policy)
      throws UnknownHostException {
    var selected = TCP.select(new Peer.Tcp(InetAddress.getByName(address), 50000));

    if (policy.equals("-")) {
      assertThat(selected).isEmpty();
    } else {
      assertThat(selected).map(Policy::name).contains(policy);
    }
  }

  @Test
  void refusesAnUnidentifiedPeerWhenClientRulesTellClientsApart() {
    assertThat(UNIX.select(new Peer.Unknown())).isEmpty();
    assertThat(TCP.select(new Peer.Unknown())).isEmpty();
    assertThat(PeerPolicySelector.everyone(OTHERS).select(new Peer.Unknown())).contains(OTHERS);
  }

  @Test
  void neverMatchesAUnixRuleOnATcpPeerOrTheOtherWayRound() throws UnknownHostException {
    Peer tcp = new Peer.Tcp(InetAddress.getByName("10.1.2.3"), 1);

    assertThat(UNIX.select(tcp)).contains(OTHERS);
    assertThat(TCP.select(new Peer.Unix(0, 0, 1))).isEmpty();
  }

  @Test
  void describesItsClientRules() {
    assertThat(UNIX.clientRules())
        .extracting(rule -> rule.match().describe())
        .containsExactly("uid=0", "uid=1000 gid=1000", "gid=999", "uid=4294967294");
    assertThat(TCP.clientRules().get(0).match().describe()).isEqualTo("cidr=10.1.0.0/16");
    assertThat(TCP.others()).isEmpty();
  }

  @Test
  void rejectsMatchesThatNameNoClient() {
    assertThatThrownBy(() -> new UnixIds(UnixIds.ANY, UnixIds.ANY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("client rule names neither uid nor gid");
    assertThatThrownBy(() -> new UnixIds(4_294_967_295L, UnixIds.ANY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("uid out of range: '4294967295' (expected 0 to 4294967294)");
    assertThatThrownBy(() -> PeerPolicySelector.refusingOthers(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("a listener that refuses every client");
  }
}
