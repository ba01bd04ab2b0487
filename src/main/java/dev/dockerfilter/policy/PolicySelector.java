package dev.dockerfilter.policy;

import java.util.Optional;

/**
 * Picks the policy for a client of one listener; an empty answer refuses the client outright. Pure:
 * no I/O.
 */
public interface PolicySelector {

  Optional<Policy> select(Peer peer);

  /** Every client of the listener gets {@code policy}. */
  static PolicySelector always(Policy policy) {
    return peer -> Optional.of(policy);
  }
}
