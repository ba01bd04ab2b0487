package dev.dockerfilter.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockerfilter.http.MalformedRequestException;
import dev.dockerfilter.http.RequestTarget;
import dev.dockerfilter.policy.PolicyRequest;
import dev.dockerfilter.policy.Presets;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The endpoint the engine executes for a request the proxy lets through is the one the policy
 * allowed.
 *
 * <p>A generated corpus of targets (percent-encodings, dot segments, repeated and trailing slashes,
 * version prefixes, case changes) over endpoints and over names that look like endpoints (a
 * container named {@code json}, images named {@code get} and {@code json}) is sent through the
 * proxy. Every answer is either the proxy's own refusal (400 or 403, nothing forwarded) or exactly
 * the engine's answer to a direct request for the canonical target the policy judged and allowed.
 */
class DifferentialIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  /** Containers (created, never started) and image tags whose names look like endpoints. */
  private static final List<String> LOOKALIKE_CONTAINERS = List.of("json", "export", "get");

  private static final List<String> LOOKALIKE_IMAGES = List.of("get", "json", "export");

  private static final List<String> BASES =
      List.of(
          "/_ping",
          "/version",
          "/containers/json",
          "/containers/json?all=1",
          "/containers/json/json",
          "/containers/export/json",
          "/containers/get/json",
          "/containers/json/export",
          "/containers/json/changes",
          "/containers/json/archive?path=/",
          "/containers/json/top",
          "/containers/json/attach/ws",
          "/images/json",
          "/images/get",
          "/images/get/json",
          "/images/json/json",
          "/images/export/json",
          "/images/get/get",
          "/images/get/history",
          "/images/localtest/busybox/json",
          "/images/localtest/busybox:latest/json",
          "/networks",
          "/networks/none",
          "/volumes",
          "/exec/json/json",
          "/plugins");

  private static final List<String> VERSION_PREFIXES =
      List.of(
          "/v1.41",
          "/v1.40",
          "/v1.24",
          "/v1",
          "/v1.41/v1.41",
          "/V1.41",
          "/v1.41.0",
          "/v99.99",
          "/v1.41/",
          "/vX.Y");

  private static Engine engine;
  private static ProxyProcess proxy;

  @BeforeAll
  static void createLookalikesAndStartProxy() throws IOException {
    engine = Engine.fromEnvironment();
    for (String name : LOOKALIKE_CONTAINERS) {
      engine.remove(name);
      engine.create(name, "true");
    }
    for (String name : LOOKALIKE_IMAGES) {
      RawHttp.Response tagged =
          engine.request(
              "POST",
              "/v1.41/images/" + Engine.TEST_IMAGE + "/tag?repo=" + name + "&tag=latest",
              null);
      assertThat(tagged.status()).as(tagged.toString()).isEqualTo(201);
    }
    proxy = ProxyProcess.start(engine);
  }

  @AfterAll
  static void removeLookalikes() throws IOException {
    if (proxy != null) {
      proxy.close();
    }
    LOOKALIKE_CONTAINERS.forEach(engine::remove);
    for (String name : LOOKALIKE_IMAGES) {
      engine.request("DELETE", "/v1.41/images/" + name + ":latest", null);
    }
  }

  @Test
  void everyForwardedRequestRunsTheEndpointThePolicyAllowed() throws IOException {
    List<String> corpus = corpus(new Random(41));
    int forwarded = 0;
    int refused = 0;
    List<String> mismatches = new ArrayList<>();
    for (String target : corpus) {
      for (String method : List.of("GET", "HEAD")) {
        RawHttp.Response viaProxy = call(proxy.address(), method, target);
        if (refusedByProxy(viaProxy)) {
          refused++;
          continue;
        }
        forwarded++;
        String canonical = allowedCanonicalTarget(method, target);
        RawHttp.Response direct = call(engine.uri(), method, canonical);
        if (!sameAnswer(viaProxy, direct)) {
          mismatches.add(
              method
                  + " "
                  + target
                  + " -> "
                  + canonical
                  + "\n  proxy:  "
                  + viaProxy
                  + "\n  direct: "
                  + direct);
        }
      }
    }
    System.out.printf(
        "DifferentialIT: %d targets x GET/HEAD: %d forwarded, each the same as a direct request"
            + " for its canonical target; %d refused by the proxy%n",
        corpus.size(), forwarded, refused);
    assertThat(mismatches).as("forwarded requests answered differently than direct").isEmpty();
    assertThat(forwarded).as("forwarded requests in the corpus").isGreaterThan(100);
    assertThat(refused).as("refused requests in the corpus").isGreaterThan(100);
  }

  /** The canonical target of a request the proxy forwarded; fails unless the policy allows it. */
  private static String allowedCanonicalTarget(String method, String target) {
    RequestTarget parsed;
    try {
      parsed = RequestTarget.parse(target);
    } catch (MalformedRequestException e) {
      throw new AssertionError("forwarded a target that does not parse: " + target, e);
    }
    boolean allowed =
        Presets.readOnly()
            .decide(new PolicyRequest(method, parsed.path(), parsed.rawQuery()))
            .allowed();
    assertThat(allowed).as("policy decision for forwarded %s %s", method, target).isTrue();
    return parsed.forwardTarget();
  }

  /** The proxy's own answer: 400 or 403 with a docker-filter message, for GET; HEAD has no body. */
  private static boolean refusedByProxy(RawHttp.Response response) {
    if (response.status() != 400 && response.status() != 403) {
      return false;
    }
    if (response.body().length == 0) {
      // HEAD: our refusals are the only 400/403 answers here with no Api-Version header.
      return response.field("api-version").isEmpty();
    }
    return response.bodyText().contains("\"message\":\"docker-filter ");
  }

  private static boolean sameAnswer(RawHttp.Response viaProxy, RawHttp.Response direct) {
    if (viaProxy.status() != direct.status()) {
      return false;
    }
    if (viaProxy.body().length == 0 || direct.body().length == 0) {
      return viaProxy.body().length == direct.body().length;
    }
    try {
      return normalised(JSON.readTree(viaProxy.body()))
          .equals(normalised(JSON.readTree(direct.body())));
    } catch (IOException e) {
      return viaProxy.bodyText().equals(direct.bodyText());
    }
  }

  /** A list the engine returns in no fixed order (networks) becomes its sorted elements. */
  private static Object normalised(JsonNode node) {
    if (!node.isArray()) {
      return node;
    }
    List<String> elements = new ArrayList<>();
    node.forEach(element -> elements.add(element.toString()));
    elements.sort(null);
    return elements;
  }

  private static RawHttp.Response call(String address, String method, String target)
      throws IOException {
    return RawHttp.exchange(address, RawHttp.request(method, target, null), TIMEOUT);
  }

  /** Every base, under every version prefix, and a handful of random mutations of each. */
  static List<String> corpus(Random random) {
    Set<String> targets = new LinkedHashSet<>();
    for (String base : BASES) {
      targets.add(base);
      for (String prefix : VERSION_PREFIXES) {
        targets.add(prefix + base);
      }
      for (int i = 0; i < 8; i++) {
        String prefixed = random.nextBoolean() ? "/v1.41" + base : base;
        targets.add(mutate(prefixed, random));
      }
    }
    return new ArrayList<>(targets);
  }

  /** One of the ways a client (or an attacker) can spell a path differently. */
  private static String mutate(String target, Random random) {
    int query = target.indexOf('?');
    String path = query < 0 ? target : target.substring(0, query);
    String rest = query < 0 ? "" : target.substring(query);
    int at = 1 + random.nextInt(path.length() - 1);
    String mutated =
        switch (random.nextInt(9)) {
          case 0 -> encodeOne(path, at, random.nextBoolean());
          case 1 -> encodeSegment(path, random);
          case 2 -> path.replaceFirst("/", "%2F").replace("%2F", "/") + "%2F" + tail(path);
          case 3 -> insertAtSlash(path, random, "/.");
          case 4 -> insertAtSlash(path, random, "/x/..");
          case 5 -> insertAtSlash(path, random, "/");
          case 6 -> path + "/";
          case 7 ->
              path.substring(0, at)
                  + path.substring(at, at + 1).toUpperCase(Locale.ROOT)
                  + path.substring(at + 1);
          default ->
              path.replace("/", random.nextBoolean() ? "%2F" : "%2f").replaceFirst("%2[Ff]", "/");
        };
    return mutated + rest;
  }

  private static String encodeOne(String path, int at, boolean twice) {
    char c = path.charAt(at);
    String escape = String.format("%%%02X", (int) c);
    if (twice) {
      escape = "%25" + escape.substring(1);
    }
    return path.substring(0, at) + escape + path.substring(at + 1);
  }

  private static String encodeSegment(String path, Random random) {
    int slash = path.lastIndexOf('/');
    StringBuilder out = new StringBuilder(path.substring(0, slash + 1));
    for (char c : path.substring(slash + 1).toCharArray()) {
      out.append(random.nextBoolean() ? String.format("%%%02x", (int) c) : String.valueOf(c));
    }
    return out.toString();
  }

  private static String tail(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private static String insertAtSlash(String path, Random random, String insert) {
    List<Integer> slashes = new ArrayList<>();
    for (int i = 0; i < path.length(); i++) {
      if (path.charAt(i) == '/') {
        slashes.add(i);
      }
    }
    int at = slashes.get(random.nextInt(slashes.size()));
    return path.substring(0, at) + insert + path.substring(at);
  }
}
