package dev.dockerfilter.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Every route of the Docker Engine API, written with this project's placeholders: the union of the
 * API 1.41 and 1.56 specifications, plus {@code POST /grpc} and {@code POST /build/cancel}, which
 * the engine serves without documenting them.
 *
 * <p>Used to build policies section by section (Tecnativa's variables) and to generalise observed
 * paths into templates ({@code docker-filter learn}). {@code EngineRoutesTest} checks the list
 * against the specifications.
 */
public final class EngineRoutes {

  /**
   * One route.
   *
   * @param methods the methods the engine serves on it
   * @param path its template, e.g. {@code /containers/{container}/json}
   * @param upgrade whether the engine may switch protocols on it (attach, exec start, session)
   */
  public record Route(Set<String> methods, PathTemplate path, boolean upgrade) {
    public Route {
      methods = Set.copyOf(methods);
    }

    /** The first segment, e.g. {@code containers}; {@code _ping} for {@code /_ping}. */
    public String section() {
      return path.firstLiteralSegment().orElseThrow();
    }
  }

  // Columns: methods, template, and "upgrade" for the routes that hijack the connection.
  private static final String TABLE =
      """
          GET,HEAD        /_ping
          POST            /auth
          POST            /build
          POST            /build/cancel
          POST            /build/prune
          POST            /commit
          GET             /configs
          POST            /configs/create
          GET,DELETE      /configs/{name}
          POST            /configs/{name}/update
          POST            /containers/create
          GET             /containers/json
          POST            /containers/prune
          DELETE          /containers/{container}
          GET,HEAD,PUT    /containers/{container}/archive
          POST            /containers/{container}/attach upgrade
          GET             /containers/{container}/attach/ws upgrade
          GET             /containers/{container}/changes
          POST            /containers/{container}/exec
          GET             /containers/{container}/export
          GET             /containers/{container}/json
          POST            /containers/{container}/kill
          GET             /containers/{container}/logs
          POST            /containers/{container}/pause
          POST            /containers/{container}/rename
          POST            /containers/{container}/resize
          POST            /containers/{container}/restart
          POST            /containers/{container}/start
          GET             /containers/{container}/stats
          POST            /containers/{container}/stop
          GET             /containers/{container}/top
          POST            /containers/{container}/unpause
          POST            /containers/{container}/update
          POST            /containers/{container}/wait
          GET             /distribution/{image}/json
          GET             /events
          GET             /exec/{name}/json
          POST            /exec/{name}/resize
          POST            /exec/{name}/start upgrade
          POST            /grpc upgrade
          POST            /images/create
          GET             /images/get
          GET             /images/json
          POST            /images/load
          POST            /images/prune
          GET             /images/search
          DELETE          /images/{image}
          GET             /images/{image}/attestations
          GET             /images/{image}/get
          GET             /images/{image}/history
          GET             /images/{image}/json
          POST            /images/{image}/push
          POST            /images/{image}/tag
          GET             /info
          GET             /networks
          POST            /networks/create
          POST            /networks/prune
          GET,DELETE      /networks/{name}
          POST            /networks/{name}/connect
          POST            /networks/{name}/disconnect
          GET             /nodes
          GET,DELETE      /nodes/{name}
          POST            /nodes/{name}/update
          GET             /plugins
          POST            /plugins/create
          GET             /plugins/privileges
          POST            /plugins/pull
          DELETE          /plugins/{plugin}
          POST            /plugins/{plugin}/disable
          POST            /plugins/{plugin}/enable
          GET             /plugins/{plugin}/json
          POST            /plugins/{plugin}/push
          POST            /plugins/{plugin}/set
          POST            /plugins/{plugin}/upgrade
          GET             /secrets
          POST            /secrets/create
          GET,DELETE      /secrets/{name}
          POST            /secrets/{name}/update
          GET             /services
          POST            /services/create
          GET,DELETE      /services/{name}
          GET             /services/{name}/logs
          POST            /services/{name}/update
          POST            /session upgrade
          GET             /swarm
          POST            /swarm/init
          POST            /swarm/join
          POST            /swarm/leave
          POST            /swarm/unlock
          GET             /swarm/unlockkey
          POST            /swarm/update
          GET             /system/df
          GET             /tasks
          GET             /tasks/{name}
          GET             /tasks/{name}/logs
          GET             /version
          GET             /volumes
          POST            /volumes/create
          POST            /volumes/prune
          GET,PUT,DELETE  /volumes/{name}
      """;

  private static final List<Route> ALL = parse(TABLE);

  private EngineRoutes() {}

  /** Every route, sorted by template. */
  public static List<Route> all() {
    return ALL;
  }

  /** The routes of one section, e.g. {@code containers} or {@code _ping}. */
  public static List<Route> section(String section) {
    return ALL.stream().filter(route -> route.section().equals(section)).toList();
  }

  private static List<Route> parse(String table) {
    List<Route> routes = new ArrayList<>();
    for (String line : table.strip().split("\\n")) {
      String[] columns = line.strip().split("\\s+");
      routes.add(
          new Route(
              Set.of(columns[0].split(",")),
              PathTemplate.parse(columns[1]),
              columns.length > 2 && columns[2].equals("upgrade")));
    }
    return List.copyOf(routes);
  }
}
