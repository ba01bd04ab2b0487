package dev.dockerfilter.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathTemplateTest {

  private static final String HEX64 =
      "4c01db0b339c4c01db0b339c4c01db0b339c4c01db0b339c4c01db0b339c4c01";

  @ParameterizedTest(name = "{0} matches {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          /_ping                       | /_ping
          /system/df                   | /system/df
          # {container}: hex ids, full or short, and names with _ . - and upper case
          /containers/{container}/json | /containers/4c01db0b339c/json
          /containers/{container}/json | /containers/4/json
          /containers/{container}/json | /containers/my_app.web-1/json
          /containers/{container}/json | /containers/MyApp/json
          /containers/{container}/json | /containers/json/json
          /containers/{container}/json | /containers/0.0-_x/json
          # {image}: names, namespaces, registries with ports, tags, digests and ids
          /images/{image}/json         | /images/busybox/json
          /images/{image}/json         | /images/localtest/busybox/json
          /images/{image}/json         | /images/library/busybox:1.36/json
          /images/{image}/json         | /images/reg.example:5000/team/app:1.2/json
          /images/{image}/json         | /images/localhost:5000/app/json
          /images/{image}/json         | /images/ghcr.io/org/sub/img:v1.0-rc_1/json
          /images/{image}/json         | /images/My-Registry.example/app/json
          /images/{image}/json         | /images/a__b.c--d/json
          /images/{image}/json         | /images/alpine:latest@sha256:4c01db0b339c4c01db0b339c4c01db0b339c/json
          /images/{image}/json         | /images/alpine@sha256:4c01db0b339c4c01db0b339c4c01db0b339c/json
          /images/{image}/json         | /images/sha256:4c01db0b339c/json
          /images/{image}/json         | /images/4c01db0b339c/json
          /images/{image}/json         | /images/get/json
          /images/{image}/json         | /images/json/json
          /images/{image}/json         | /images/search/json
          # accepted oddity: a host:port alone reads as name:tag, as it does for the engine
          /images/{image}/json         | /images/reg.example:5000/json
          /images/{image}/json         | /images/foo/get/json
          /images/{image}/get          | /images/json/get
          /images/{image}/get          | /images/reg.example:5000/a/b/c:t/get
          # {plugin}: the same grammar
          /plugins/{plugin}/json       | /plugins/vieux/sshfs:latest/json
          /plugins/{plugin}/json       | /plugins/privileges/json
          # {name}: one segment
          /networks/{name}             | /networks/bridge
          /networks/{name}             | /networks/my_net-1.prod
          /volumes/{name}              | /volumes/Data_2.bak-x
          /exec/{name}/json            | /exec/4c01db0b339c/json
          # {any}: one non-empty segment of anything
          /containers/{any}/export     | /containers/abc/export
          /containers/{any}/export     | /containers/-weird!/export
          /containers/{any}/export     | /containers/.hidden/export
          /containers/{any}/export     | /containers/abc%2Fx/export
          /{any}                       | /anything
          """)
  void matches(String template, String path) {
    assertThat(PathTemplate.parse(template).matches(path)).isTrue();
  }

  @ParameterizedTest(name = "{0} does not match {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          /_ping                       | /_ping/
          /_ping                       | /_PING
          /_ping                       | /libpod/_ping
          /_ping                       | _ping
          /system/df                   | /system/dfx
          /containers/json             | /containers/json?x=/json
          # anchored at both ends, never on a prefix or suffix
          /containers/{container}/json | /containers/abc/json/x
          /containers/{container}/json | /x/containers/abc/json
          /containers/{container}/json | /containers/abc/JSON
          # {container}: one segment of Docker's name grammar only
          /containers/{container}/json | /containers/abc/def/json
          /containers/{container}/json | /containers/_abc/json
          /containers/{container}/json | /containers/.abc/json
          /containers/{container}/json | /containers/-abc/json
          /containers/{container}/json | /containers/a b/json
          /containers/{container}/json | /containers/a%2Fb/json
          /containers/{container}/json | /containers/a:b/json
          /containers/{container}/json | /containers/a\\nb/json
          /containers/{container}/export | /containers/json
          # {image}: lowercase paths, a valid tag and digest, no empty or extra parts
          /images/{image}/json         | /images/json
          /images/{image}/json         | /images/Busybox/json
          /images/{image}/json         | /images/busybox:/json
          /images/{image}/json         | /images/busybox:.tag/json
          /images/{image}/json         | /images/busybox@sha256:abc/json
          /images/{image}/json         | /images/busybox@sha256/json
          /images/{image}/json         | /images/-busybox/json
          /images/{image}/json         | /images/busybox-/json
          /images/{image}/json         | /images/a___b/json
          /images/{image}/json         | /images/a..b/json
          /images/{image}/json         | /images/reg.example:port/app/json
          /images/{image}/json         | /images/app:1.2/more/json
          /images/{image}/json         | /images/a%2Fb/json
          /images/{image}/json         | /images/x/get
          /images/{image}/json         | /images/get
          /images/{image}/json         | /images/search
          /images/{image}/get          | /images/get
          # {name}: exactly one segment
          /networks/{name}             | /networks
          /networks/{name}             | /networks/a/b
          /networks/{name}             | /networks/_a
          # {any}: exactly one non-empty segment
          /containers/{any}/export     | /containers/a/b/export
          /containers/{any}/export     | /containers/export
          /{any}                       | /
          /{any}                       | /a/b
          """)
  void doesNotMatch(String template, String path) {
    // The table writes a line feed as the two characters "\n".
    String unescaped = path.replace("\\n", "\n");

    assertThat(PathTemplate.parse(template).matches(unescaped)).isFalse();
  }

  @Test
  void matchesFullLengthImageIdsAndTags() {
    PathTemplate inspect = PathTemplate.parse("/images/{image}/json");

    assertThat(inspect.matches("/images/sha256:" + HEX64 + "/json")).isTrue();
    assertThat(inspect.matches("/images/app:" + "t".repeat(128) + "/json")).isTrue();
    assertThat(inspect.matches("/images/app:" + "t".repeat(129) + "/json")).isFalse();
  }

  @Test
  void boundsImageNamesAtTheEnginesLimitOf128ComponentsAfterTheRegistry() {
    PathTemplate inspect = PathTemplate.parse("/images/{image}/json");

    assertThat(inspect.matches("/images/reg:5000/" + "a/".repeat(128) + "json")).isTrue();
    assertThat(inspect.matches("/images/reg:5000/" + "a/".repeat(129) + "json")).isFalse();
    assertThat(inspect.matches("/images/" + "a/".repeat(130) + "json")).isFalse();
  }

  @Test
  void rejectsHostileImagePathsQuicklyAndWithoutOverflowingTheStack() {
    PathTemplate inspect = PathTemplate.parse("/images/{image}/json");
    String hostile = "/images/" + "a-".repeat(20_000) + "a/".repeat(20_000) + "A!/json";
    String manyDots = "/images/" + "a.".repeat(20_000) + "a:1/" + "b/".repeat(20_000) + "!/json";

    assertTimeoutPreemptively(
        Duration.ofSeconds(2),
        () -> {
          assertThat(inspect.matches(hostile)).isFalse();
          assertThat(inspect.matches(manyDots)).isFalse();
        });
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/_ping",
        "/containers/{container}/json",
        "/images/{image}/json",
        "/plugins/{plugin}/json",
        "/networks/{name}",
        "/containers/{any}/attach/ws",
        "/{any}",
        "/a:b@c~d"
      })
  void printsItselfBack(String text) {
    PathTemplate template = PathTemplate.parse(text);

    assertThat(template.toString()).isEqualTo(text);
    assertThat(PathTemplate.parse(template.toString())).isEqualTo(template);
    assertThat(PathTemplate.parse(template.toString())).hasSameHashCodeAs(template);
  }

  @Test
  void differentTextsAreDifferentTemplates() {
    assertThat(PathTemplate.parse("/networks/{name}"))
        .isNotEqualTo(PathTemplate.parse("/networks/{any}"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      textBlock =
          """
          containers/json          | path template must start with '/': 'containers/json'
          ""                       | path template must start with '/': ''
          /                        | empty segment in path template: '/'
          /containers//json        | empty segment in path template: '/containers//json'
          /containers/json/        | empty segment in path template: '/containers/json/'
          /containers/{id}/json    | unknown placeholder {id} in path template: '/containers/{id}/json'
          /containers/{}/json      | unknown placeholder {} in path template: '/containers/{}/json'
          /containers/{Container}  | unknown placeholder {Container} in path template: '/containers/{Container}'
          /containers/x{any}       | bad character in literal segment 'x{any}' of path template: '/containers/x{any}'
          /containers/{any         | bad character in literal segment '{any' of path template: '/containers/{any'
          /containers/a b          | bad character in literal segment 'a b' of path template: '/containers/a b'
          /containers/json?all=1   | bad character in literal segment 'json?all=1' of path template: '/containers/json?all=1'
          /containers/a%2Fb        | bad character in literal segment 'a%2Fb' of path template: '/containers/a%2Fb'
          /containers/../json      | dot segment in path template: '/containers/../json'
          /containers/./json       | dot segment in path template: '/containers/./json'
          """)
  void rejectsInvalidTemplates(String text, String message) {
    assertThatThrownBy(() -> PathTemplate.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message)
        .hasMessageEndingWith("{container}, {image}, {plugin}, {name}, {any})");
  }

  @Test
  void rejectsNull() {
    assertThatThrownBy(() -> PathTemplate.parse(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("path template is null");
  }

  @Test
  void exposesALiteralFirstSegmentForIndexing() {
    assertThat(PathTemplate.parse("/containers/{container}/json").firstLiteralSegment())
        .contains("containers");
    assertThat(PathTemplate.parse("/{any}/json").firstLiteralSegment()).isEmpty();
  }
}
