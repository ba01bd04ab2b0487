package dev.dockerfilter.config;

import dev.dockerfilter.policy.PolicySelector;
import dev.dockerfilter.redact.Redaction;
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
 * @param redaction what the listener hides in the engine's answers ({@code --redact})
 */
public record ListenerPlan(
    Endpoint endpoint, PolicySelector selector, boolean audit, Redaction redaction) {
  public ListenerPlan {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(redaction, "redaction");
  }
}
