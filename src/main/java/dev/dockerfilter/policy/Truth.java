package dev.dockerfilter.policy;

/**
 * The value of a query condition: true, false, or unknown when the query cannot be read the way the
 * engine would read it (a malformed escape, a {@code ;}, an ambiguous boolean).
 *
 * <p>An allow rule applies only to {@link #TRUE}; a deny rule applies to {@link #TRUE} and {@link
 * #UNKNOWN}, so doubt always resolves towards denial.
 */
public enum Truth {
  TRUE,
  FALSE,
  UNKNOWN;

  static Truth of(boolean value) {
    return value ? TRUE : FALSE;
  }

  Truth not() {
    return switch (this) {
      case TRUE -> FALSE;
      case FALSE -> TRUE;
      case UNKNOWN -> UNKNOWN;
    };
  }

  Truth and(Truth other) {
    if (this == FALSE || other == FALSE) {
      return FALSE;
    }
    return this == UNKNOWN || other == UNKNOWN ? UNKNOWN : TRUE;
  }
}
