package dev.dockerfilter.http;

/**
 * A request target split into what the policy sees and what is forwarded.
 *
 * <p>Example: {@code /v1.41/containers/my%2Dapp/json?all=1} becomes apiVersion {@code 1.41}, path
 * {@code /containers/my-app/json} and rawQuery {@code ?all=1}.
 *
 * @param raw the target exactly as received
 * @param apiVersion the version of a leading {@code /vX.Y} prefix, or "" when there is none
 * @param path the canonical path without the version prefix: decoded once, always starting with "/"
 * @param rawQuery the query exactly as received including its leading "?", or "" when there was none
 */
public record RequestTarget(String raw, String apiVersion, String path, String rawQuery) {

  /** Parses and canonicalises an origin-form target, or rejects it with 400. */
  public static RequestTarget parse(String raw) throws MalformedRequestException {
    throw new UnsupportedOperationException("filled in by the http package");
  }

  /** The target to send upstream: the re-encoded canonical path with its prefix, plus the query. */
  public String forwardTarget() {
    throw new UnsupportedOperationException("filled in by the http package");
  }
}
