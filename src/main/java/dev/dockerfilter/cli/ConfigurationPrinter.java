package dev.dockerfilter.cli;

import dev.dockerfilter.config.Configuration;
import dev.dockerfilter.config.ListenerPlan;
import dev.dockerfilter.policy.PeerPolicySelector;
import dev.dockerfilter.policy.PeerPolicySelector.ClientRule;
import dev.dockerfilter.policy.Policy;
import dev.dockerfilter.policy.RuleListPolicy;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Prints a configuration's listeners and the rules of every policy they use. */
final class ConfigurationPrinter {
  private final PrintWriter out;

  ConfigurationPrinter(PrintWriter out) {
    this.out = out;
  }

  /**
   * Example:
   *
   * <pre>
   * listener unix:///run/df/agents.sock (audit)
   *   uid=1000 -> datadog
   *   others -> read-only
   * </pre>
   */
  void listeners(Configuration configuration) {
    for (ListenerPlan plan : configuration.listeners()) {
      out.println("listener " + describe(plan));
      if (plan.selector() instanceof PeerPolicySelector selector) {
        for (ClientRule rule : selector.clientRules()) {
          out.println("  " + rule.match().describe() + " -> " + rule.policy().name());
        }
        String others = selector.others().map(Policy::name).orElse("refused");
        out.println(
            "  "
                + (selector.clientRules().isEmpty() ? "every client" : "others")
                + " -> "
                + others);
      }
    }
  }

  /** {@code unix:///run/df/agents.sock (audit, redact env, swarm, logs)} */
  static String describe(ListenerPlan plan) {
    List<String> modes = new ArrayList<>();
    if (plan.audit()) {
      modes.add("audit");
    }
    if (plan.redaction().isOn()) {
      modes.add("redact " + plan.redaction().describe());
    }
    return plan.endpoint().uri() + (modes.isEmpty() ? "" : " (" + String.join("; ", modes) + ")");
  }

  /** Each policy's name, then its rules in order, one per line in rule syntax. */
  void policies(Configuration configuration) {
    for (Policy policy : configuration.policies().values()) {
      out.println();
      if (policy instanceof RuleListPolicy rules) {
        out.println(
            "policy "
                + policy.name()
                + " ("
                + rules.rules().size()
                + " rules, first"
                + " match wins, anything else denied)");
        rules.rules().forEach(rule -> out.println("  " + rule.format()));
      } else {
        out.println("policy " + policy.name());
      }
    }
  }
}
