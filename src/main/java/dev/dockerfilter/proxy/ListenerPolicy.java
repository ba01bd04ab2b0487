package dev.dockerfilter.proxy;

import dev.dockerfilter.policy.PolicySelector;

/**
 * How one listener judges its clients.
 *
 * @param selector picks the policy for each client; an empty answer refuses the client
 * @param audit forward what the policy would deny, and log it as {@code would-deny}
 */
public record ListenerPolicy(PolicySelector selector, boolean audit) {}
