package dev.dockerfilter.policy;

import java.util.Objects;

/**
 * The outcome of judging one request.
 *
 * @param verdict allow or deny
 * @param ruleId the id of the deciding rule, or "-" when no rule matched
 * @param reason a short stable code, e.g. {@code no-rule-for-path}
 * @param note a sentence for humans saying why, e.g. "exports the container's whole filesystem"
 * @param upgrade whether the deciding rule lets this request's connection switch protocols (exec
 *     start, attach); only ever true for an allow
 */
public record Decision(
    Verdict verdict, String ruleId, String reason, String note, boolean upgrade) {

  /** The rule id of a decision that no single rule made. */
  public static final String NO_RULE = "-";

  /** Reason: an allow rule matched the path and the method. */
  public static final String ALLOWED_BY_RULE = "allowed-by-rule";

  /** Reason: an explicit deny rule matched the path and the method. */
  public static final String DENIED_BY_RULE = "denied-by-rule";

  /** Reason: some rule matches the path, but no rule allows the method on it. */
  public static final String METHOD_NOT_ALLOWED = "method-not-allowed";

  /** Reason: an allow rule covers the method and path, but its query conditions do not hold. */
  public static final String QUERY_NOT_ALLOWED = "query-not-allowed";

  /** Reason: no rule matches the path at all. */
  public static final String NO_RULE_FOR_PATH = "no-rule-for-path";

  public Decision {
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(ruleId, "ruleId");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(note, "note");
    if (upgrade && verdict != Verdict.ALLOW) {
      throw new IllegalArgumentException(
          "upgrade on a denial: '" + ruleId + "' (only an allow can let a connection upgrade)");
    }
  }

  /** A decision that does not let the connection upgrade. */
  public Decision(Verdict verdict, String ruleId, String reason, String note) {
    this(verdict, ruleId, reason, note, false);
  }

  public boolean allowed() {
    return verdict == Verdict.ALLOW;
  }
}
