package dev.dockerfilter.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Picks a listener's policy per client: the first client rule that matches the peer decides; a peer
 * that no rule matches gets the listener's policy for everyone else, or is refused when there is
 * none.
 *
 * <p>A peer the transport cannot identify ({@link Peer.Unknown}) is refused whenever the listener
 * has client rules: it might be any of the clients they single out.
 */
public final class PeerPolicySelector implements PolicySelector {

  /** One per-client rule: these clients get this policy. */
  public record ClientRule(ClientMatch match, Policy policy) {
    public ClientRule {
      Objects.requireNonNull(match, "match");
      Objects.requireNonNull(policy, "policy");
    }
  }

  private final List<ClientRule> clientRules;
  private final Policy others;

  private PeerPolicySelector(List<ClientRule> clientRules, Policy others) {
    this.clientRules = List.copyOf(clientRules);
    this.others = others;
  }

  /** Every client gets POLICY. */
  public static PeerPolicySelector everyone(Policy policy) {
    return new PeerPolicySelector(List.of(), Objects.requireNonNull(policy, "policy"));
  }

  /** Clients that no rule matches get OTHERS. */
  public static PeerPolicySelector withOthers(List<ClientRule> clientRules, Policy others) {
    return new PeerPolicySelector(clientRules, Objects.requireNonNull(others, "others"));
  }

  /** Clients that no rule matches are refused. */
  public static PeerPolicySelector refusingOthers(List<ClientRule> clientRules) {
    if (clientRules.isEmpty()) {
      throw new IllegalArgumentException(
          "a listener that refuses every client: '[]' (expected at least one client rule)");
    }
    return new PeerPolicySelector(clientRules, null);
  }

  @Override
  public Optional<Policy> select(Peer peer) {
    if (peer instanceof Peer.Unknown && !clientRules.isEmpty()) {
      return Optional.empty();
    }
    for (ClientRule rule : clientRules) {
      if (rule.match().test(peer)) {
        return Optional.of(rule.policy());
      }
    }
    return Optional.ofNullable(others);
  }

  /** The client rules in the order they are tried. */
  public List<ClientRule> clientRules() {
    return clientRules;
  }

  /** The policy of clients that no rule matches; empty when they are refused. */
  public Optional<Policy> others() {
    return Optional.ofNullable(others);
  }
}
