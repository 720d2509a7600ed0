package io.modelkeeper.server.protocol;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelkeeper.server.onnx.DataType;
import io.modelkeeper.server.onnx.ModelRunner;
import io.modelkeeper.server.onnx.TensorSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dummy inferences of the model's own signature before the server reports ready: each goes through
 * the code a request takes (JSON read, validation, ONNX Runtime, JSON written) but not through
 * HTTP, metrics or listeners, so it counts nowhere and becomes no prediction or drift reference. A
 * fresh pod then answers its first clients about as fast as a warm one, and a canary is not judged
 * on its JIT compiler's first minutes.
 */
public final class WarmUp {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Every fourth request carries this many rows (or the batch size, if smaller). */
  private static final int LARGE_ROWS = 32;

  private WarmUp() {}

  /**
   * Runs {@code requests} dummy inferences, most of one row, every fourth of up to {@code maxRows}
   * rows when the model takes any number of rows.
   */
  public static void run(
      ModelRunner runner, String model, String version, int requests, int maxRows)
      throws Exception {
    RequestLimits limits = new RequestLimits(Integer.MAX_VALUE, Long.MAX_VALUE);
    byte[] single = body(runner, 1);
    byte[] large = body(runner, Math.max(1, Math.min(maxRows, LARGE_ROWS)));
    for (int i = 0; i < requests; i++) {
      byte[] bytes = i % 4 == 3 ? large : single;
      InferRequest request = RequestReader.readJson(bytes);
      InputValidator.ValidatedInputs inputs =
          InputValidator.validate(request, runner.signature(), model, limits, n -> {});
      ResponseWriter.write(
          model,
          version,
          "warm-up",
          request,
          ResponseWriter.selectOutputs(request, runner.signature()),
          runner.run(inputs.tensors()));
    }
  }

  /** A JSON request of zeros (false for BOOL) with {@code rows} rows where the model allows. */
  static byte[] body(ModelRunner runner, int rows) throws Exception {
    List<Map<String, Object>> inputs = new ArrayList<>();
    for (TensorSpec spec : runner.signature().inputs()) {
      long[] shape = spec.shape().clone();
      long count = 1;
      for (int d = 0; d < shape.length; d++) {
        shape[d] = shape[d] >= 0 ? shape[d] : d == 0 ? rows : 1;
        count *= shape[d];
      }
      Object zero = spec.type() == DataType.BOOL ? Boolean.FALSE : (Object) 0;
      Map<String, Object> input = new LinkedHashMap<>();
      input.put("name", spec.name());
      input.put("shape", shape);
      input.put("datatype", spec.type().name());
      input.put("data", Collections.nCopies((int) count, zero));
      inputs.add(input);
    }
    return JSON.writeValueAsBytes(Map.of("inputs", inputs));
  }
}
