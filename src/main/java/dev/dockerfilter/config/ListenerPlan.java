package dev.dockerfilter.config;

import dev.dockerfilter.policy.PolicySelector;
import java.util.Objects;

/**
 * One listener as the proxy runs it: where clients connect, how each client's policy is picked, and
 * whether denials are only logged.
 *
 * @param endpoint where clients connect
 * @param selector picks each client's policy from its {@link dev.dockerfilter.policy.Peer}; an
 *     empty answer refuses the client. Built by {@link Configuration#resolve} as a {@link
 *     dev.dockerfilter.policy.PeerPolicySelector}
 * @param audit when true, a request the policy denies is forwarded anyway and logged as {@code
 *     would-deny}
 */
public record ListenerPlan(Endpoint endpoint, PolicySelector selector, boolean audit) {
  public ListenerPlan {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(selector, "selector");
  }
}
