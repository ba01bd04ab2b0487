package dev.dockerfilter.observability;

/** How log lines are written. */
public enum LogFormat {
  /** {@code key=value} pairs, quoted where needed. */
  LOGFMT,
  /** One JSON object a line. */
  JSON
}
