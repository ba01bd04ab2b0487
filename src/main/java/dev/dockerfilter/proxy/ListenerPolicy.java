package dev.dockerfilter.proxy;

import dev.dockerfilter.policy.PolicySelector;
import dev.dockerfilter.redact.Redaction;
import java.util.Objects;

/**
 * How one listener judges its clients.
 *
 * @param selector picks the policy for each client; an empty answer refuses the client
 * @param audit forward what the policy would deny, and log it as {@code would-deny}
 * @param redaction what the listener hides in the engine's answers
 */
public record ListenerPolicy(PolicySelector selector, boolean audit, Redaction redaction) {
  public ListenerPolicy {
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(redaction, "redaction");
  }

  /** A listener that hides nothing. */
  public ListenerPolicy(PolicySelector selector, boolean audit) {
    this(selector, audit, Redaction.OFF);
  }
}
