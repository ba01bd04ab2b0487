package dev.dockerfilter.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Policies that ship with docker-filter: {@code read-only}, the default, and one per common kind of
 * client, each derived from what that client calls (docs/policy.md gives the reasoning).
 */
public final class Presets {

  /** The name of {@link #readOnly()}. */
  public static final String READ_ONLY_NAME = "read-only";

  private static final Set<String> READ_METHODS = Set.of("GET", "HEAD");

  /** The note of the rule that lets an image reference reach container inspect. */
  public static final String CONTAINER_INSPECT_REF_NOTE =
      "docker inspect IMAGE asks for a container first and needs the engine's 404 to try the image";

  // Explicit denials come first so that a reader sees what the read-only default refuses on
  // purpose, and so that no allow rule below can ever shadow them. Their placeholders are broad
  // ({any}) wherever the engine routes a single segment: a malformed name still gets the reason.
  private static final List<Rule> DANGEROUS_READS =
      List.of(
          deny(
              "deny-container-archive",
              "/containers/{any}/archive",
              "reads files out of the container; even HEAD leaks file metadata in a response"
                  + " header"),
          deny(
              "deny-container-export",
              "/containers/{any}/export",
              "streams the container's whole filesystem as a tar archive"),
          deny(
              "deny-container-changes",
              "/containers/{any}/changes",
              "lists every file the container changed, a map of its filesystem"),
          deny(
              "deny-container-attach-ws",
              "/containers/{any}/attach/ws",
              "a websocket attach: a GET that can write to the container's stdin"),
          deny("deny-image-export-all", "/images/get", "exports images as a tarball"),
          deny("deny-image-export", "/images/{image}/get", "exports an image as a tarball"),
          deny(
              "deny-image-search",
              "/images/search",
              "makes the engine contact a registry on the client's behalf"),
          deny(
              "deny-image-attestations",
              "/images/{image}/attestations",
              "not part of the read-only list (image attestations, API 1.56 and later)"),
          deny(
              "deny-distribution-inspect",
              "/distribution/{image}/json",
              "makes the engine contact a registry on the client's behalf"),
          deny(
              "deny-plugin-privileges",
              "/plugins/privileges",
              "makes the engine contact a registry on the client's behalf"),
          deny("deny-swarm-unlockkey", "/swarm/unlockkey", "the swarm's unlock key is a secret"),
          deny("deny-secret-list", "/secrets", "swarm secrets are not exposed"),
          deny("deny-secret-inspect", "/secrets/{any}", "swarm secrets are not exposed"),
          deny("deny-session", "/session", "a raw session for builds, not a read"),
          deny("deny-grpc", "/grpc", "a raw gRPC channel to the engine, not a read"),
          deny(
              "deny-task-logs",
              "/tasks/{any}/logs",
              "not part of the read-only list (swarm task logs)"));

  private static final List<Rule> READS =
      List.of(
          allow("allow-ping", "/_ping", "health check and API version negotiation"),
          allow("allow-version", "/version", "engine version"),
          allow("allow-info", "/info", "engine-wide information"),
          allow("allow-events", "/events", "the engine's event stream"),
          allow("allow-system-df", "/system/df", "disk usage; read-only but costly to compute"),
          allow("allow-container-list", "/containers/json", "lists containers"),
          // Config.Env and log lines reach every client unless the listener redacts (--redact).
          allow(
              "allow-container-inspect",
              "/containers/{container}/json",
              "container details; note that Config.Env often holds secrets"),
          // `docker inspect NAME` without --type asks container inspect first and tries the image
          // only after the engine's 404. The engine routes /containers/{name:.*}/json, so a name
          // with '/' or ':' ("localtest/busybox:latest", "sha256:4c01…") reaches container
          // inspect and finds no container there, unless it is a legacy link alias ("web/db"),
          // whose answer is a container inspect like any other (--redact rewrites it too).
          allow(
              "allow-container-inspect-ref",
              "/containers/{image}/json",
              CONTAINER_INSPECT_REF_NOTE),
          allow("allow-container-logs", "/containers/{container}/logs", "container output"),
          allow("allow-container-top", "/containers/{container}/top", "container processes"),
          allow("allow-container-stats", "/containers/{container}/stats", "resource usage"),
          allow("allow-image-list", "/images/json", "lists images"),
          allow("allow-image-inspect", "/images/{image}/json", "image details"),
          allow("allow-image-history", "/images/{image}/history", "image layer history"),
          allow("allow-network-list", "/networks", "lists networks"),
          allow("allow-network-inspect", "/networks/{name}", "network details"),
          allow("allow-volume-list", "/volumes", "lists volumes"),
          allow("allow-volume-inspect", "/volumes/{name}", "volume details"),
          allow("allow-exec-inspect", "/exec/{name}/json", "exec instance details"),
          allow("allow-plugin-list", "/plugins", "lists plugins"),
          allow("allow-plugin-inspect", "/plugins/{plugin}/json", "plugin details"),
          // On a manager the answer holds the join tokens; --redact hides them.
          allow("allow-swarm-inspect", "/swarm", "swarm details, without the unlock key"),
          allow("allow-node-list", "/nodes", "lists swarm nodes"),
          allow("allow-node-inspect", "/nodes/{name}", "swarm node details"),
          allow("allow-service-list", "/services", "lists swarm services"),
          allow("allow-service-inspect", "/services/{name}", "swarm service details"),
          allow("allow-service-logs", "/services/{name}/logs", "swarm service output"),
          allow("allow-task-list", "/tasks", "lists swarm tasks"),
          allow("allow-task-inspect", "/tasks/{name}", "swarm task details"),
          allow("allow-config-list", "/configs", "lists swarm configs"),
          allow(
              "allow-config-inspect",
              "/configs/{name}",
              "swarm config details, data included (base64)"));

  private static final RuleListPolicy READ_ONLY =
      RuleListPolicy.of(
          READ_ONLY_NAME, Stream.concat(DANGEROUS_READS.stream(), READS.stream()).toList());

  private Presets() {}

  /**
   * The default policy: GET and HEAD on the listed read endpoints, minus the reads that leak files
   * or secrets, open a write channel or make the engine contact a registry; everything else is
   * denied.
   */
  public static RuleListPolicy readOnly() {
    return READ_ONLY;
  }

  /** Every preset by name. */
  private static final Map<String, RuleListPolicy> BY_NAME;

  /** The preset names, in the order the docs list them. */
  private static final List<String> NAMES;

  static {
    Map<String, RuleListPolicy> byName = new LinkedHashMap<>();
    byName.put(READ_ONLY_NAME, READ_ONLY);
    byName.put("traefik", fromText("traefik", PresetTexts.TRAEFIK));
    byName.put("datadog", fromText("datadog", PresetTexts.DATADOG));
    byName.put("dashboard", fromText("dashboard", PresetTexts.DASHBOARD));
    byName.put("exporter", fromText("exporter", PresetTexts.EXPORTER));
    byName.put("updater", fromText("updater", PresetTexts.UPDATER));
    BY_NAME = Collections.unmodifiableMap(byName);
    NAMES = List.copyOf(byName.keySet());
  }

  /** The names of the presets: read-only, traefik, datadog, dashboard, exporter, updater. */
  public static List<String> names() {
    return NAMES;
  }

  /** The preset called NAME. */
  public static Optional<RuleListPolicy> byName(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  private static RuleListPolicy fromText(String name, String text) {
    List<Rule> rules = new ArrayList<>();
    for (String line : text.strip().split("\n")) {
      rules.add(RuleParser.parse(line.strip()));
    }
    return RuleListPolicy.of(name, rules);
  }

  private static Rule allow(String id, String template, String note) {
    return new Rule(id, Verdict.ALLOW, READ_METHODS, PathTemplate.parse(template), note);
  }

  private static Rule deny(String id, String template, String note) {
    return new Rule(id, Verdict.DENY, READ_METHODS, PathTemplate.parse(template), note);
  }
}
