package io.modelkeeper.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerProcessTest {

  @TempDir Path state;

  private NodeConfig config() {
    return NodeConfig.defaults(state.resolve("server.jar"), state.resolve("trainer.jar"), state);
  }

  @Test
  void imagesStandForProgramsOfThisMachine() throws Exception {
    NodeConfig config = config();
    assertThat(LocalImage.of("ghcr.io/modelkeeper/model-server:0.1.0", config).program())
        .isEqualTo(LocalImage.Program.MODEL_SERVER);
    assertThat(LocalImage.of("localhost:5000/model-server@sha256:abc", config).runnable()).isTrue();
    assertThat(LocalImage.of("model-server", config).runnable()).isTrue();
    assertThat(LocalImage.of("ghcr.io/modelkeeper/model-server-typo:1", config).pullError())
        .contains("cannot pull ghcr.io/modelkeeper/model-server-typo:1");
    assertThat(LocalImage.of("nginx:1.27", config).runnable()).isFalse();
    assertThat(LocalImage.of(null, config).runnable()).isFalse();
    assertThat(LocalImage.of("localhost/modelkeeper-local/exec:latest", config).program())
        .isEqualTo(LocalImage.Program.COMMAND);
    assertThat(LocalImage.of("docker.io/localhost/modelkeeper-local/exec", config).runnable())
        .isFalse();
    // The trainer image needs its jar: missing, the pull fails and says what to build.
    assertThat(LocalImage.of("ghcr.io/modelkeeper/modelkeeper-trainer:0.1.0", config).pullError())
        .contains(state.resolve("trainer.jar").toString())
        .contains("./mvnw -B -pl trainer -am package");
    Files.writeString(state.resolve("trainer.jar"), "");
    assertThat(LocalImage.of("ghcr.io/modelkeeper/modelkeeper-trainer:0.1.0", config).program())
        .isEqualTo(LocalImage.Program.TRAINER);
    assertThat(ContainerProcess.repository("localhost:5000/x/model-server:2"))
        .isEqualTo("localhost:5000/x/model-server");
  }

  @Test
  void containerPathsMapOntoTheVolumesClaimsAndThePodsDirectory() {
    Container container =
        new ContainerBuilder()
            .withName("train")
            .withWorkingDir("/workspace")
            .withTerminationMessagePath("/tmp/done")
            .addNewVolumeMount()
            .withName("data")
            .withMountPath("/var/lib/modelkeeper/dataset")
            .withReadOnly(true)
            .endVolumeMount()
            .addNewVolumeMount()
            .withName("data")
            .withMountPath("/var/lib/modelkeeper/dataset/out")
            .withSubPath("runs/r1")
            .endVolumeMount()
            .build();
    PodContext pod =
        PodContext.create(
            new PodBuilder()
                .withNewMetadata()
                .withName("p")
                .withNamespace("ml")
                .endMetadata()
                .withNewSpec()
                .addNewVolume()
                .withName("data")
                .withNewPersistentVolumeClaim("fraud-data", false)
                .endVolume()
                .endSpec()
                .build(),
            "127.0.0.9",
            config());
    Path claim = state.resolve("claims/ml_fraud-data");

    assertThat(pod.claims()).containsExactly("fraud-data");
    assertThat(pod.rewrite(container, "/var/lib/modelkeeper/dataset/fraud"))
        .isEqualTo(claim.resolve("fraud").toString());
    // The longest mount path wins, and its subPath is below the claim's directory.
    assertThat(pod.rewrite(container, "/var/lib/modelkeeper/dataset/out/model.onnx"))
        .isEqualTo(claim.resolve("runs/r1/model.onnx").toString());
    assertThat(pod.rewrite(container, "/tmp/done"))
        .isEqualTo(pod.dir().resolve("train.termination-log").toString());
    assertThat(pod.rewrite(container, "--lr=0.1")).isEqualTo("--lr=0.1");
    assertThat(pod.workingDir(container)).isEqualTo(pod.dir().resolve("rootfs/train/workspace"));
    assertThat(pod.workingDir(container)).isDirectory();
  }

  @Test
  void aSubPathThatLeavesItsVolumeIsRefused() {
    Container container =
        new ContainerBuilder()
            .withName("c")
            .addNewVolumeMount()
            .withName("v")
            .withMountPath("/data")
            .withSubPath("../../etc")
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
            config());
    assertThatThrownBy(() -> pod.rewrite(container, "/data/x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("leaves the volume");
  }

  @Test
  void envValuesExpandEarlierVariablesAsTheKubeletDoes() {
    assertThat(ContainerProcess.expand("$(A)/b $$(A) $(MISSING)", java.util.Map.of("A", "x")))
        .isEqualTo("x/b $(A) $(MISSING)");
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
            config());
    Path volume = pod.volumeDir("model");

    assertThat(pod.rewrite(container, "/mnt/models")).isEqualTo(volume.toString());
    assertThat(pod.rewrite(container, "file:///mnt/models/model.onnx"))
        .isEqualTo("file://" + volume + "/model.onnx");
    assertThat(pod.rewrite(container, "/mnt/models-other/x")).isEqualTo("/mnt/models-other/x");
    assertThat(pod.rewrite(container, "http://host/mnt/models"))
        .isEqualTo("http://host/mnt/models");
  }
}
