package io.modelkeeper.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The chart's console values: off by default, one value to turn it on, a token from a Secret. */
class ConsoleChartTest {

  @Test
  void offByDefault() {
    List<HasMetadata> objects = Chart.objects(Map.of());
    assertThat(settings(objects))
        .containsEntry("MODELKEEPER_CONSOLE_ENABLED", "false")
        .doesNotContainKey("MODELKEEPER_CONSOLE_TOKEN_FILE");
    assertThat(pod(objects).getVolumes())
        .extracting(Volume::getName)
        .doesNotContain("console-token");
  }

  @Test
  void onAndReadOnlyWithoutATokenSecret() {
    List<HasMetadata> objects = Chart.objects(Chart.values("console.enabled", true));
    assertThat(settings(objects))
        .containsEntry("MODELKEEPER_CONSOLE_ENABLED", "true")
        .doesNotContainKey("MODELKEEPER_CONSOLE_TOKEN_FILE");
    assertThat(pod(objects).getVolumes())
        .extracting(Volume::getName)
        .doesNotContain("console-token");
  }

  @Test
  void theActionTokenIsAFileFromTheSecret() {
    List<HasMetadata> objects =
        Chart.objects(
            Chart.values(
                "console.enabled", true,
                "console.tokenSecret", "console-token",
                "console.tokenKey", "secret"));
    assertThat(settings(objects))
        .containsEntry("MODELKEEPER_CONSOLE_TOKEN_FILE", "/etc/modelkeeper/console-token/secret");
    PodSpec pod = pod(objects);
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals("console-token"))
        .singleElement()
        .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("console-token"));
    assertThat(pod.getContainers().get(0).getVolumeMounts())
        .filteredOn(m -> m.getName().equals("console-token"))
        .extracting(VolumeMount::getMountPath, VolumeMount::getReadOnly)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("/etc/modelkeeper/console-token", true));
  }

  private static Map<String, String> settings(List<HasMetadata> objects) {
    return Chart.ofType(objects, ConfigMap.class).stream()
        .filter(cm -> cm.getMetadata().getName().endsWith("-config"))
        .findFirst()
        .orElseThrow()
        .getData();
  }

  private static PodSpec pod(List<HasMetadata> objects) {
    return Chart.ofType(objects, Deployment.class).get(0).getSpec().getTemplate().getSpec();
  }
}
