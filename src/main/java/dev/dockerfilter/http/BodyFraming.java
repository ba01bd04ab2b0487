package dev.dockerfilter.http;

/** How a request's body is delimited (RFC 9112 section 6). */
public enum BodyFraming {
  NONE,
  FIXED_LENGTH,
  CHUNKED
}
