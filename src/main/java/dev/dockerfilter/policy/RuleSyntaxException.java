package dev.dockerfilter.policy;

/**
 * A rule line that {@link RuleParser} cannot read. The message names the offending word, its column
 * and the expected form; {@link #column()} is 1-based.
 */
public final class RuleSyntaxException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final int column;

  RuleSyntaxException(String message, int column) {
    super(message);
    this.column = column;
  }

  /** Where in the line the problem starts, counting from 1. */
  public int column() {
    return column;
  }
}
