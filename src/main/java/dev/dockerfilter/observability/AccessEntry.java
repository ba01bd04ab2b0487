package dev.dockerfilter.observability;

import java.time.Instant;

/**
 * One exchange as the access log records it.
 *
 * @param time when the request head arrived
 * @param client {@code uid=…,pid=…} on a unix socket, {@code ip:port} on TCP
 * @param method the request method, or "-" when the request line could not be read
 * @param target the raw target as received, or "-"
 * @param path the canonical path the policy saw (version prefix split off), or "-"
 * @param decision {@code allow}, {@code deny} or {@code reject} (malformed request)
 * @param rule the deciding rule's id, or "-"
 * @param reason a short code: the policy's reason, or why the exchange failed
 * @param status the status sent to the client, or 0 when none was sent
 * @param bytesIn request body bytes received from the client
 * @param bytesOut response body bytes sent to the client
 * @param durationMillis from the request head to the end of the response
 */
public record AccessEntry(
    Instant time,
    String client,
    String method,
    String target,
    String path,
    String decision,
    String rule,
    String reason,
    int status,
    long bytesIn,
    long bytesOut,
    double durationMillis) {}
