package dev.dockerfilter.cli;

import dev.dockerfilter.config.ConfigException;
import dev.dockerfilter.config.Configuration;
import dev.dockerfilter.config.ListenerPlan;
import dev.dockerfilter.policy.PeerPolicySelector;
import dev.dockerfilter.policy.Policy;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bridges listener plans to today's proxy, which applies one policy to every listener and knows
 * neither per-client rules nor audit mode. A configuration that would lose something by the bridge
 * is refused rather than run with more access than it grants.
 */
// TODO(#3): delete once ProxyServer.start takes the listener plans (see RunCommand).
final class SinglePolicy {
  private static final Logger LOG = LoggerFactory.getLogger(SinglePolicy.class);

  private SinglePolicy() {}

  /** The first listener's policy, if it is every listener's and no listener has client rules. */
  static Policy of(Configuration configuration) {
    List<ListenerPlan> plans = configuration.listeners();
    Policy first = defaultPolicy(plans.get(0));
    for (ListenerPlan plan : plans) {
      if (defaultPolicy(plan) != first) {
        throw new ConfigException(
            "listeners with different policies: '"
                + plan.endpoint().uri()
                + "' (this build applies one policy to every listener; give them the same one)");
      }
    }
    if (plans.stream().anyMatch(ListenerPlan::audit)) {
      LOG.atWarn()
          .setMessage("audit mode is not applied by this build; denials are enforced")
          .log();
    }
    return first;
  }

  private static Policy defaultPolicy(ListenerPlan plan) {
    if (plan.selector() instanceof PeerPolicySelector selector
        && selector.clientRules().isEmpty()
        && selector.others().isPresent()) {
      return selector.others().get();
    }
    throw new ConfigException(
        "per-client rules on listener: '"
            + plan.endpoint().uri()
            + "' (this build cannot tell clients apart yet; remove the clients: list)");
  }
}
