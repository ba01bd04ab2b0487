package dev.dockerfilter.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reads {@code deploy/kubernetes/daemonset.yaml} into the Kubernetes API's own types (fabric8's
 * model): every field must be one the API defines, with the right type, and the manifest must do
 * what the docs promise (read-only node socket, safe socket shared in the pod, no root).
 */
class KubernetesManifestTest {
  private static final Path MANIFEST = Path.of("deploy/kubernetes/daemonset.yaml");
  private static final ObjectMapper YAML = new YAMLMapper();

  private static Namespace namespace;
  private static DaemonSet daemonSet;

  @BeforeAll
  static void readManifest() throws IOException {
    List<JsonNode> documents = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(Files.readString(MANIFEST))) {
      YAML.readValues(parser, JsonNode.class).forEachRemaining(documents::add);
    }
    assertThat(documents)
        .extracting(d -> d.get("kind").asText())
        .containsExactly("Namespace", "DaemonSet");
    namespace = read(documents.get(0), Namespace.class);
    daemonSet = read(documents.get(1), DaemonSet.class);
  }

  @Test
  void usesOnlyFieldsTheKubernetesApiDefines() {
    assertThat(unknownFields(namespace, "Namespace")).isEmpty();
    assertThat(unknownFields(daemonSet, "DaemonSet")).isEmpty();
    assertThat(daemonSet.getApiVersion()).isEqualTo("apps/v1");
    assertThat(daemonSet.getMetadata().getNamespace()).isEqualTo(namespace.getMetadata().getName());
    assertThat(daemonSet.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(daemonSet.getSpec().getSelector().getMatchLabels());
  }

  @Test
  void mountsTheNodeSocketReadOnlyIntoTheFilterAlone() {
    PodSpec pod = daemonSet.getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getHostPath() != null)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getHostPath().getPath()).isEqualTo("/var/run/docker.sock");
              assertThat(v.getHostPath().getType()).isEqualTo("Socket");
            });
    String hostVolume =
        pod.getVolumes().stream().filter(v -> v.getHostPath() != null).findFirst().get().getName();

    assertThat(mount(container(pod, "docker-filter"), hostVolume).getReadOnly()).isTrue();
    assertThat(container(pod, "agent").getVolumeMounts())
        .extracting(VolumeMount::getName)
        .doesNotContain(hostVolume);
  }

  @Test
  void sharesTheSafeSocketWithTheConsumer() {
    PodSpec pod = daemonSet.getSpec().getTemplate().getSpec();
    String listen = env(container(pod, "docker-filter"), "DOCKER_FILTER_LISTEN");
    String dockerHost = env(container(pod, "agent"), "DOCKER_HOST");
    assertThat(dockerHost).isEqualTo(listen);
    assertThat(mount(container(pod, "agent"), "safe-socket").getMountPath())
        .isEqualTo(mount(container(pod, "docker-filter"), "safe-socket").getMountPath());
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals("safe-socket"))
        .singleElement()
        .satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
  }

  @Test
  void runsTheFilterAsNonRootOnAReadOnlyRootFilesystem() {
    PodSpec pod = daemonSet.getSpec().getTemplate().getSpec();
    var security = container(pod, "docker-filter").getSecurityContext();
    assertThat(security.getRunAsNonRoot()).isTrue();
    assertThat(security.getRunAsUser()).isEqualTo(65532L);
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getAllowPrivilegeEscalation()).isFalse();
    assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container(pod, "docker-filter").getReadinessProbe().getExec().getCommand())
        .contains("healthcheck");
    assertThat(env(container(pod, "docker-filter"), "DOCKER_FILTER_ADMIN_LISTEN"))
        .startsWith("tcp://127.0.0.1:");
  }

  private static <T> T read(JsonNode document, Class<T> type) throws IOException {
    return YAML.treeToValue(document, type);
  }

  private static Container container(PodSpec pod, String name) {
    return pod.getContainers().stream().filter(c -> c.getName().equals(name)).findFirst().get();
  }

  private static VolumeMount mount(Container container, String volume) {
    return container.getVolumeMounts().stream()
        .filter(m -> m.getName().equals(volume))
        .findFirst()
        .orElseThrow(() -> new AssertionError(container.getName() + " does not mount " + volume));
  }

  private static String env(Container container, String name) {
    return container.getEnv().stream()
        .filter(e -> e.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError(container.getName() + " has no " + name))
        .getValue();
  }

  /**
   * Fields that the model kept aside because the API does not define them, by JSON path. The model
   * accepts any field (it keeps unknown ones in additionalProperties) so that newer API versions
   * still parse; a manifest of ours must have none.
   */
  static List<String> unknownFields(Object value, String path) {
    List<String> unknown = new ArrayList<>();
    walk(value, path, unknown);
    return unknown;
  }

  private static void walk(Object value, String path, List<String> unknown) {
    if (value instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        walk(item, path + "[" + i++ + "]", unknown);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> walk(v, path + "." + k, unknown));
      return;
    }
    if (value == null || !value.getClass().getName().startsWith("io.fabric8.kubernetes.api")) {
      return;
    }
    for (Method getter : value.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get")) {
        continue;
      }
      Object field = invoke(getter, value);
      if (getter.getName().equals("getAdditionalProperties")) {
        ((Map<?, ?>) field).keySet().forEach(k -> unknown.add(path + "." + k));
      } else if (!getter.getName().equals("getClass")) {
        walk(field, path + "." + getter.getName().substring(3), unknown);
      }
    }
  }

  private static Object invoke(Method getter, Object target) {
    try {
      return getter.invoke(target);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(getter + " on " + target, e);
    }
  }

  @Test
  void findsAMistypedField() throws IOException {
    ObjectNode document =
        (ObjectNode) YAML.readTree("kind: Namespace\napiVersion: v1\nmetadta: {}\n");
    assertThat(unknownFields(read(document, Namespace.class), "Namespace"))
        .containsExactly("Namespace.metadta");
  }
}
