package dev.dockerfilter.cli;

import dev.dockerfilter.config.Configuration;
import dev.dockerfilter.config.Endpoint;
import dev.dockerfilter.config.ListenerPlan;
import dev.dockerfilter.http.MalformedRequestException;
import dev.dockerfilter.http.RequestTarget;
import dev.dockerfilter.policy.Decision;
import dev.dockerfilter.policy.Peer;
import dev.dockerfilter.policy.PeerPolicySelector;
import dev.dockerfilter.policy.Policy;
import dev.dockerfilter.policy.PolicyRequest;
import dev.dockerfilter.policy.Rule;
import dev.dockerfilter.policy.RuleListPolicy;
import dev.dockerfilter.redact.Redaction;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code docker-filter explain GET /v1.41/containers/json}: how one request would be judged. */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    usageHelpWidth = 100,
    description = {
      "Shows how one request would be judged, without sending it anywhere.",
      "It prints the canonical path, the listener's policy for the client, the rule that",
      "decides, the decision and its reason.",
      ""
    },
    footer = {
      "",
      "Example: docker-filter explain --preset traefik GET '/v1.41/containers/json?all=1'",
      "",
      "Exit codes:",
      "  0  the request would be allowed",
      "  1  it would be denied, or the client refused, or the target rejected as malformed",
      "  2  bad usage or invalid configuration"
    })
final class ExplainCommand implements Callable<Integer> {
  private static final int DENIED = 1;

  @Spec CommandSpec spec;

  @ParentCommand RunCommand run;

  @Option(
      names = "--listener",
      paramLabel = "URI",
      description = "The listener the request arrives on. Default: the first one.")
  String listener;

  @Option(
      names = "--client",
      paramLabel = "CLIENT",
      description =
          "Who sends it: uid=N[,gid=N] on a unix listener, an IP address on a TCP one. Default:"
              + " a client that no per-client rule singles out.")
  String client;

  @Parameters(index = "0", paramLabel = "METHOD", description = "e.g. GET")
  String method;

  @Parameters(
      index = "1",
      paramLabel = "TARGET",
      description = "The request target as a client sends it, e.g. /v1.41/containers/json?all=1")
  String target;

  @Override
  public Integer call() {
    Configuration configuration;
    ListenerPlan plan;
    Optional<Peer> peer;
    try {
      configuration = Configuration.resolve(run.sources(System.getenv()));
      plan = listenerPlan(configuration);
      peer = peer();
    } catch (IllegalArgumentException e) {
      return Invalid.report(spec, e);
    }
    PrintWriter out = spec.commandLine().getOut();
    try {
      return explain(out, plan, peer);
    } finally {
      out.flush();
    }
  }

  private int explain(PrintWriter out, ListenerPlan plan, Optional<Peer> peer) {
    // "/v1.41/containers/abc/json?size=1" -> path "/containers/abc/json"
    out.println("request   " + method + " " + target);
    RequestTarget parsed;
    try {
      parsed = RequestTarget.parse(target);
    } catch (MalformedRequestException e) {
      out.println("decision  reject (" + e.status() + "): " + e.getMessage());
      return DENIED;
    }
    out.println("path      " + parsed.path());
    if (!parsed.apiVersion().isEmpty()) {
      out.println("version   " + parsed.apiVersion());
    }
    if (!parsed.rawQuery().isEmpty()) {
      out.println("query     " + parsed.rawQuery());
    }

    // The listener's policy for this client.
    out.println("listener  " + ConfigurationPrinter.describe(plan));
    Optional<Policy> policy = policyFor(plan, peer);
    out.println("client    " + describeClient());
    if (policy.isEmpty()) {
      out.println("decision  refused: the listener serves no policy to this client");
      return DENIED;
    }
    out.println("policy    " + policy.get().name());

    // The deciding rule, the decision and its reason.
    PolicyRequest request = new PolicyRequest(method, parsed.path(), parsed.rawQuery());
    Decision decision =
        plan.redaction().review(request, policy.get().decide(request), plan.audit());
    boolean audited = plan.audit() && !Redaction.refusedByRedaction(decision);
    out.println("rule      " + rule(policy.get(), decision.ruleId()));
    out.println("decision  " + verdict(decision, audited) + " (" + decision.reason() + ")");
    out.println("reason    " + decision.note());
    out.println("upgrade   " + (decision.upgrade() ? "allowed" : "no"));
    if (plan.redaction().rewrites(method, parsed.path())) {
      out.println("answer    redacted: " + plan.redaction().describeRewrite());
    }
    return decision.allowed() ? ExitCodes.OK : DENIED;
  }

  private ListenerPlan listenerPlan(Configuration configuration) {
    if (listener == null) {
      return configuration.listeners().get(0);
    }
    Endpoint wanted = Endpoint.parse(listener.trim());
    return configuration.listeners().stream()
        .filter(plan -> plan.endpoint().equals(wanted))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no such listener: '"
                        + listener
                        + "' (expected one of: "
                        + String.join(
                            ", ",
                            configuration.listeners().stream()
                                .map(plan -> plan.endpoint().uri())
                                .toList())
                        + ")"));
  }

  private Optional<Peer> peer() {
    if (client == null) {
      return Optional.empty();
    }
    String text = client.trim();
    if (text.startsWith("uid=") || text.startsWith("gid=")) {
      return Optional.of(unixPeer(text));
    }
    if (!text.matches("[0-9A-Fa-f:.]+") || !(text.contains(".") || text.contains(":"))) {
      throw badClient();
    }
    try {
      return Optional.of(new Peer.Tcp(InetAddress.getByName(text), 0));
    } catch (UnknownHostException e) {
      throw badClient();
    }
  }

  private Peer unixPeer(String text) {
    // "uid=1000,gid=50" -> uid 1000, gid 50; an id not given matches no rule on it.
    int uid = -1;
    int gid = -1;
    for (String part : text.split(",")) {
      String[] pair = part.trim().split("=", 2);
      if (pair.length != 2 || !pair[1].matches("[0-9]{1,10}")) {
        throw badClient();
      }
      int id = (int) Long.parseLong(pair[1]);
      switch (pair[0]) {
        case "uid" -> uid = id;
        case "gid" -> gid = id;
        default -> throw badClient();
      }
    }
    return new Peer.Unix(uid, gid, 0);
  }

  private IllegalArgumentException badClient() {
    return new IllegalArgumentException(
        "bad --client: '" + client + "' (expected uid=N, uid=N,gid=N, gid=N or an IP address)");
  }

  private static Optional<Policy> policyFor(ListenerPlan plan, Optional<Peer> peer) {
    if (peer.isPresent()) {
      return plan.selector().select(peer.get());
    }
    if (plan.selector() instanceof PeerPolicySelector selector) {
      return selector.others();
    }
    return plan.selector().select(new Peer.Unknown());
  }

  private String describeClient() {
    return client == null ? "any that no per-client rule singles out" : client.trim();
  }

  private static String rule(Policy policy, String ruleId) {
    if (ruleId.equals(Decision.NO_RULE)) {
      return "(none)";
    }
    if (policy instanceof RuleListPolicy rules) {
      return rules.rules().stream()
          .filter(rule -> rule.id().equals(ruleId))
          .findFirst()
          .map(Rule::format)
          .orElse(ruleId);
    }
    return ruleId;
  }

  private static String verdict(Decision decision, boolean audit) {
    if (decision.allowed()) {
      return "allow";
    }
    return audit ? "deny, forwarded anyway and logged as would-deny (audit mode)" : "deny";
  }
}
