package dev.dockerfilter.policy;

/** The two outcomes of a decision. */
public enum Verdict {
  ALLOW,
  DENY
}
