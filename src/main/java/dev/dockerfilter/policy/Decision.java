package dev.dockerfilter.policy;

/**
 * The outcome of judging one request.
 *
 * @param verdict allow or deny
 * @param ruleId the id of the deciding rule, or "-" when no rule matched
 * @param reason a short stable code, e.g. {@code no-rule-for-path}
 * @param note a sentence for humans saying why, e.g. "exports the container's whole filesystem"
 */
public record Decision(Verdict verdict, String ruleId, String reason, String note) {

  public boolean allowed() {
    return verdict == Verdict.ALLOW;
  }
}
