package dev.dockerfilter.policy;

/** An ordered list of rules; the first match wins and anything unmatched is denied. */
public interface Policy {

  /** The policy's name, as shown in denials and logs, e.g. {@code read-only}. */
  String name();

  /** Judges one request. Pure: no I/O, no state. */
  Decision decide(PolicyRequest request);
}
