package io.modelkeeper.server.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelkeeper.server.models.SampleModels;
import io.modelkeeper.server.onnx.ExecutionProviderChoice.Request;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutionProviderChoiceTest {

  @Test
  void triesCudaOnlyWhenAskedOrWhenAutoSeesAGpu() {
    assertThat(ExecutionProviderChoice.shouldTryCuda(Request.CUDA, false)).isTrue();
    assertThat(ExecutionProviderChoice.shouldTryCuda(Request.CUDA, true)).isTrue();
    assertThat(ExecutionProviderChoice.shouldTryCuda(Request.AUTO, true)).isTrue();
    assertThat(ExecutionProviderChoice.shouldTryCuda(Request.AUTO, false)).isFalse();
    assertThat(ExecutionProviderChoice.shouldTryCuda(Request.CPU, true)).isFalse();
  }

  @Test
  void seesAGpuThroughTheDeviceNodeOrTheContainerRuntime(@TempDir Path dir) throws Exception {
    Path absent = dir.resolve("nvidia0");
    assertThat(ExecutionProviderChoice.gpuVisible(Map.of(), absent)).isFalse();
    assertThat(ExecutionProviderChoice.gpuVisible(Map.of("NVIDIA_VISIBLE_DEVICES", "void"), absent))
        .isFalse();
    assertThat(ExecutionProviderChoice.gpuVisible(Map.of("NVIDIA_VISIBLE_DEVICES", "none"), absent))
        .isFalse();
    assertThat(ExecutionProviderChoice.gpuVisible(Map.of("NVIDIA_VISIBLE_DEVICES", "all"), absent))
        .isTrue();
    Path present = Files.createFile(dir.resolve("nvidia0-present"));
    assertThat(ExecutionProviderChoice.gpuVisible(Map.of(), present)).isTrue();
  }

  @Test
  void parsesTheSettingAndNamesItWhenWrong() {
    assertThat(Request.parse("Auto")).isEqualTo(Request.AUTO);
    assertThat(Request.parse(" cuda ")).isEqualTo(Request.CUDA);
    assertThatThrownBy(() -> Request.parse("tpu"))
        .hasMessageContaining("MODELKEEPER_EXECUTION_PROVIDER")
        .hasMessageContaining("tpu");
  }

  @Test
  void cudaRequestedWithoutCudaFallsBackToCpuWithOneWarning() throws Exception {
    List<String> warnings = new ArrayList<>();
    byte[] model = SampleModels.mlp().toOnnx("mlp", Map.of());
    try (ModelRunner runner = ModelRunner.open(model, true, warnings::add)) {
      assertThat(runner.executionProvider()).isEqualTo("cpu");
      assertThat(runner.run(runner.zeroInputs())).containsKey("probabilities");
    }
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0)).contains("falling back to CPU");
  }
}
