package io.modelkeeper.e2e.scenarios;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.Map;

/** The model file run in the test JVM with ONNX Runtime: what a pod's answers must equal. */
public final class ReferenceModel implements AutoCloseable {

  private final OrtSession session;

  private ReferenceModel(OrtSession session) {
    this.session = session;
  }

  public static ReferenceModel load(Path file) throws OrtException {
    return new ReferenceModel(OrtEnvironment.getEnvironment().createSession(file.toString()));
  }

  /** The first output, flattened, for FP32 rows fed to the first input. */
  public float[] predict(float[][] rows) throws OrtException {
    String input = session.getInputNames().iterator().next();
    try (OnnxTensor tensor = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), rows);
        OrtSession.Result result = session.run(Map.of(input, tensor))) {
      float[][] output = (float[][]) result.get(0).getValue();
      float[] flat = new float[output.length * output[0].length];
      for (int r = 0; r < output.length; r++) {
        System.arraycopy(output[r], 0, flat, r * output[0].length, output[0].length);
      }
      return flat;
    }
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
