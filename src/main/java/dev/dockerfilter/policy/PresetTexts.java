package dev.dockerfilter.policy;

/**
 * The rules of the presets other than read-only, in rule syntax. docs/policy.md says, for each
 * rule, which call of the client needs it. A line that ends in a backslash goes on on the next one:
 * a rule is always one line.
 */
final class PresetTexts {

  /** Traefik's Docker provider, and its Swarm provider. */
  static final String TRAEFIK =
      """
      allow GET,HEAD /_ping id=allow-ping -- API version negotiation
      allow GET,HEAD /version id=allow-version -- ServerVersion when the provider connects
      allow GET,HEAD /containers/json id=allow-container-list -- every container, all=1
      allow GET,HEAD /containers/{container}/json id=allow-container-inspect -- labels and addresses
      allow GET,HEAD /containers/{image}/json id=allow-container-inspect-ref \
      -- docker inspect IMAGE asks for a container first and needs the engine's 404 to try the image
      allow GET,HEAD /events id=allow-events -- start, die and health_status trigger a refresh
      allow GET,HEAD /services id=allow-service-list -- swarm provider: the services
      allow GET,HEAD /tasks id=allow-task-list -- swarm provider: the running tasks of a service
      allow GET,HEAD /networks id=allow-network-list -- swarm provider: swarm-scoped networks
      allow GET,HEAD /nodes/{name} id=allow-node-inspect -- swarm provider: the node of a task
      """;

  /** The Datadog agent: the docker check, autodiscovery, the logs agent, process collection. */
  static final String DATADOG =
      """
      allow GET,HEAD /_ping id=allow-ping -- API version negotiation
      allow GET,HEAD /version id=allow-version -- engine version for metadata
      allow GET,HEAD /info id=allow-info -- hostname, storage stats and the connection check
      allow GET,HEAD /events id=allow-events -- container lifecycle for autodiscovery
      allow GET,HEAD /containers/json id=allow-container-list -- containers and their labels
      allow GET,HEAD /containers/{container}/json id=allow-container-inspect -- tags and health
      allow GET,HEAD /containers/{image}/json id=allow-container-inspect-ref \
      -- docker inspect IMAGE asks for a container first and needs the engine's 404 to try the image
      allow GET /containers/{container}/stats if stream=false id=allow-container-stats -- one-shot
      allow GET,HEAD /containers/{container}/logs id=allow-container-logs -- the logs agent
      allow GET,HEAD /containers/{container}/top id=allow-container-top -- process collection
      allow GET,HEAD /images/json id=allow-image-list -- docker.images metrics
      allow GET,HEAD /images/{image}/json id=allow-image-inspect -- image ids to image names
      allow GET,HEAD /images/{image}/history id=allow-image-history -- image layers
      allow GET,HEAD /volumes id=allow-volume-list -- attached and dangling volume counts
      """;

  /** Dashboards in read-only use: Homepage's Docker widgets, Portainer's read-only views. */
  static final String DASHBOARD =
      """
      allow GET,HEAD /_ping id=allow-ping -- API version negotiation
      allow GET,HEAD /version id=allow-version -- engine version
      allow GET,HEAD /info id=allow-info -- engine overview
      allow GET,HEAD /events id=allow-events -- live updates
      allow GET,HEAD /system/df id=allow-system-df -- disk usage view
      allow GET,HEAD /containers/json id=allow-container-list -- container list, all=true
      allow GET,HEAD /containers/{container}/json id=allow-container-inspect -- status and health
      allow GET,HEAD /containers/{image}/json id=allow-container-inspect-ref \
      -- docker inspect IMAGE asks for a container first and needs the engine's 404 to try the image
      allow GET /containers/{container}/stats if stream=false id=allow-container-stats -- a poll
      allow GET,HEAD /containers/{container}/logs id=allow-container-logs -- log views, followed too
      allow GET,HEAD /containers/{container}/top id=allow-container-top -- process view
      allow GET,HEAD /images/json id=allow-image-list -- image list
      allow GET,HEAD /images/{image}/json id=allow-image-inspect -- image details
      allow GET,HEAD /images/{image}/history id=allow-image-history -- image layers
      allow GET,HEAD /networks id=allow-network-list -- network list
      allow GET,HEAD /networks/{name} id=allow-network-inspect -- network details
      allow GET,HEAD /volumes id=allow-volume-list -- volume list
      allow GET,HEAD /volumes/{name} id=allow-volume-inspect -- volume details
      allow GET,HEAD /swarm id=allow-swarm-inspect -- swarm overview, without the unlock key
      allow GET,HEAD /nodes id=allow-node-list -- swarm nodes
      allow GET,HEAD /nodes/{name} id=allow-node-inspect -- swarm node details
      allow GET,HEAD /services id=allow-service-list -- swarm services
      allow GET,HEAD /services/{name} id=allow-service-inspect -- swarm service details
      allow GET,HEAD /tasks id=allow-task-list -- swarm tasks of a service
      allow GET,HEAD /tasks/{name} id=allow-task-inspect -- swarm task details
      """;

  /** Metric exporters: container, stats, engine and event metrics. */
  static final String EXPORTER =
      """
      allow GET,HEAD /_ping id=allow-ping -- API version negotiation
      allow GET,HEAD /version id=allow-version -- engine version label
      allow GET,HEAD /info id=allow-info -- engine-wide counts
      allow GET,HEAD /events id=allow-events -- container lifecycle counters
      allow GET,HEAD /containers/json id=allow-container-list -- containers to scrape
      allow GET,HEAD /containers/{container}/json id=allow-container-inspect -- labels and state
      allow GET,HEAD /containers/{image}/json id=allow-container-inspect-ref \
      -- docker inspect IMAGE asks for a container first and needs the engine's 404 to try the image
      allow GET,HEAD /containers/{container}/stats id=allow-container-stats -- resource usage
      """;

  /**
   * Image updaters in the style of Watchtower: reads, pulls by name, and what it takes to recreate
   * a container. Creating containers is root-equivalent; see docs/policy.md.
   */
  static final String UPDATER =
      """
      allow GET,HEAD /_ping id=allow-ping -- API version negotiation
      allow GET,HEAD /version id=allow-version -- engine version
      allow GET,HEAD /containers/json id=allow-container-list -- containers to watch
      allow GET,HEAD /containers/{container}/json id=allow-container-inspect -- config to recreate
      allow GET,HEAD /containers/{image}/json id=allow-container-inspect-ref \
      -- docker inspect IMAGE asks for a container first and needs the engine's 404 to try the image
      allow GET,HEAD /images/{image}/json id=allow-image-inspect -- is the pulled image newer
      allow POST /images/create if fromImage=* and !fromSrc id=allow-image-pull -- pull by name only
      allow POST /containers/{container}/kill id=allow-container-kill -- stop with its stop signal
      allow POST /containers/{container}/stop id=allow-container-stop -- stop, for other updaters
      allow DELETE /containers/{container} id=allow-container-remove -- remove the old container
      allow POST /containers/create id=allow-container-create -- recreate it on the new image
      allow POST /networks/{name}/disconnect id=allow-network-disconnect -- networks of the new one
      allow POST /networks/{name}/connect id=allow-network-connect -- networks of the new one
      allow POST /containers/{container}/start id=allow-container-start -- start the new one
      allow POST /containers/{container}/rename id=allow-container-rename -- self-update
      allow DELETE /images/{image} id=allow-image-remove -- cleanup of the old image
      """;

  private PresetTexts() {}
}
