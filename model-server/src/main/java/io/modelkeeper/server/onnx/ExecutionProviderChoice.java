package io.modelkeeper.server.onnx;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Decides from MODELKEEPER_EXECUTION_PROVIDER and the visible hardware whether to try CUDA. */
public final class ExecutionProviderChoice {

  /** What the operator or user asked for. */
  public enum Request {
    AUTO,
    CUDA,
    CPU;

    public static Request parse(String value) {
      try {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "MODELKEEPER_EXECUTION_PROVIDER must be auto, cuda or cpu, not '" + value + "'");
      }
    }
  }

  private ExecutionProviderChoice() {}

  /** cuda always tries CUDA; auto tries it only when a GPU is visible; cpu never does. */
  public static boolean shouldTryCuda(Request request, boolean gpuVisible) {
    return request == Request.CUDA || (request == Request.AUTO && gpuVisible);
  }

  /**
   * A GPU counts as visible when the NVIDIA device node exists or the container runtime names one.
   */
  public static boolean gpuVisible(Map<String, String> env, Path deviceNode) {
    String devices = env.get("NVIDIA_VISIBLE_DEVICES");
    boolean named =
        devices != null && !devices.isBlank() && !devices.equals("void") && !devices.equals("none");
    return named || Files.exists(deviceNode);
  }

  public static boolean gpuVisible() {
    return gpuVisible(System.getenv(), Path.of("/dev/nvidia0"));
  }
}
