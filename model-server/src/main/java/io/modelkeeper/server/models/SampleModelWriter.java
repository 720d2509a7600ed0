package io.modelkeeper.server.models;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/** Writes the shipped sample models, each as {@code <name>/model.onnx} plus its sha256 file. */
public final class SampleModelWriter {

  private SampleModelWriter() {}

  /** The shipped samples by directory name. */
  public static Map<String, byte[]> samples() {
    return Map.of(
        "logistic-regression",
        SampleModels.logisticRegression().toOnnx("logistic_regression", Map.of()),
        "mlp",
        SampleModels.mlp().toOnnx("mlp", Map.of()));
  }

  public static void writeAll(Path directory) throws IOException {
    for (Map.Entry<String, byte[]> sample : samples().entrySet()) {
      Path modelDir = Files.createDirectories(directory.resolve(sample.getKey()));
      Files.write(modelDir.resolve("model.onnx"), sample.getValue());
      Files.writeString(
          modelDir.resolve("model.onnx.sha256"),
          sha256(sample.getValue()) + "  model.onnx\n",
          StandardCharsets.UTF_8);
    }
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }
}
