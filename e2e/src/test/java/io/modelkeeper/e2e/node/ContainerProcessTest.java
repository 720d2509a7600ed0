package io.modelkeeper.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerProcessTest {

  @TempDir Path state;

  @Test
  void imagesWhoseRepositoryEndsInModelServerRunTheJar() {
    assertThat(ContainerProcess.canRun("ghcr.io/modelkeeper/model-server:0.1.0")).isTrue();
    assertThat(ContainerProcess.canRun("localhost:5000/model-server@sha256:abc")).isTrue();
    assertThat(ContainerProcess.canRun("model-server")).isTrue();
    assertThat(ContainerProcess.canRun("ghcr.io/modelkeeper/model-server-typo:1")).isFalse();
    assertThat(ContainerProcess.canRun("nginx:1.27")).isFalse();
    assertThat(ContainerProcess.canRun(null)).isFalse();
    assertThat(ContainerProcess.repository("localhost:5000/x/model-server:2"))
        .isEqualTo("localhost:5000/x/model-server");
  }

  @Test
  void mountPathsInEnvValuesPointIntoThePodsVolumes() {
    Container container =
        new ContainerBuilder()
            .withName("model-server")
            .addNewVolumeMount()
            .withName("model")
            .withMountPath("/mnt/models")
            .endVolumeMount()
            .build();
    PodContext pod =
        PodContext.create(
            new PodBuilder()
                .withNewMetadata()
                .withName("p")
                .withNamespace("default")
                .endMetadata()
                .build(),
            "127.0.0.9",
            NodeConfig.defaults(state.resolve("jar"), state));
    Path volume = pod.volumeDir("model");

    assertThat(ContainerProcess.rewriteMountPaths("/mnt/models", container, pod))
        .isEqualTo(volume.toString());
    assertThat(ContainerProcess.rewriteMountPaths("file:///mnt/models/model.onnx", container, pod))
        .isEqualTo("file://" + volume + "/model.onnx");
    assertThat(ContainerProcess.rewriteMountPaths("/mnt/models-other/x", container, pod))
        .isEqualTo("/mnt/models-other/x");
    assertThat(ContainerProcess.rewriteMountPaths("http://host/mnt/models", container, pod))
        .isEqualTo("http://host/mnt/models");
  }

  @Test
  void theDownwardApisPodFieldsAreFilledIn() {
    PodContext pod =
        PodContext.create(
            new PodBuilder()
                .withNewMetadata()
                .withName("p")
                .withNamespace("risk")
                .withUid("u-1")
                .endMetadata()
                .build(),
            "127.0.0.9",
            NodeConfig.defaults(state.resolve("jar"), state));

    assertThat(ContainerProcess.podField("status.podIP", pod)).isEqualTo("127.0.0.9");
    assertThat(ContainerProcess.podField("metadata.name", pod)).isEqualTo("p");
    assertThat(ContainerProcess.podField("metadata.namespace", pod)).isEqualTo("risk");
    assertThat(ContainerProcess.podField("metadata.uid", pod)).isEqualTo("u-1");
    assertThat(ContainerProcess.podField("spec.nodeName", pod)).isNull();
  }
}
