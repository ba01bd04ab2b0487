package dev.dockerfilter.policy;

import java.util.Objects;

/**
 * What a policy judges: the method, the canonical path without its version prefix, and the raw
 * query, which a rule may only use to narrow an allow (never to satisfy a path).
 *
 * <p>Example: {@code GET /v1.41/containers/my_app/json?size=1} is judged as method {@code GET},
 * path {@code /containers/my_app/json} and rawQuery {@code ?size=1}.
 *
 * @param method the request method exactly as received (methods are case-sensitive)
 * @param path the canonical path: decoded once, no dot or empty segments, no version prefix
 * @param rawQuery the query including its leading "?", or "" when there is none
 */
public record PolicyRequest(String method, String path, String rawQuery) {

  public PolicyRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(rawQuery, "rawQuery");
  }
}
