package dev.dockerfilter.policy;

/**
 * What a policy judges: the method, the canonical path without its version prefix, and the raw
 * query, which a rule may only use to narrow an allow (never to satisfy a path).
 */
public record PolicyRequest(String method, String path, String rawQuery) {}
