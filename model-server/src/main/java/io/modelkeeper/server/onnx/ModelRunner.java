package io.modelkeeper.server.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** One ONNX Runtime session for one model file, with the execution provider it ended up on. */
public final class ModelRunner implements AutoCloseable {

  /** Model metadata key that lets NaN and infinities through input validation. */
  public static final String ALLOW_NAN_KEY = "modelkeeper.allow_nan";

  private final OrtEnvironment env;
  private final OrtSession session;
  private final ModelSignature signature;
  private final String executionProvider;

  private ModelRunner(OrtEnvironment env, OrtSession session, String provider) throws OrtException {
    this.env = env;
    this.session = session;
    this.executionProvider = provider;
    boolean allowNaN =
        session
            .getMetadata()
            .getCustomMetadataValue(ALLOW_NAN_KEY)
            .map("true"::equals)
            .orElse(false);
    this.signature =
        new ModelSignature(
            specs(session.getInputInfo(), "input"),
            specs(session.getOutputInfo(), "output"),
            allowNaN);
  }

  /**
   * Opens a session on the model file, on CUDA when asked for and possible, else on CPU; {@code
   * warn} receives one line when CUDA was wanted but could not be used. ONNX Runtime reads the file
   * itself, so no copy of the model stays on the Java heap.
   */
  public static ModelRunner open(Path model, boolean tryCuda, Consumer<String> warn)
      throws OrtException {
    String path = model.toAbsolutePath().toString();
    return open((env, options) -> env.createSession(path, options), tryCuda, warn);
  }

  /** As {@link #open(Path, boolean, Consumer)}, for a model held in memory (tests, samples). */
  public static ModelRunner open(byte[] model, boolean tryCuda, Consumer<String> warn)
      throws OrtException {
    return open((env, options) -> env.createSession(model, options), tryCuda, warn);
  }

  private interface SessionSource {
    OrtSession create(OrtEnvironment env, OrtSession.SessionOptions options) throws OrtException;
  }

  private static ModelRunner open(SessionSource source, boolean tryCuda, Consumer<String> warn)
      throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    if (tryCuda) {
      try {
        OrtSession.SessionOptions options = options();
        options.addCUDA(0);
        return new ModelRunner(env, source.create(env, options), "cuda");
      } catch (OrtException | RuntimeException | LinkageError e) {
        warn.accept("CUDA execution provider unavailable, falling back to CPU: " + firstLine(e));
      }
    }
    return new ModelRunner(env, source.create(env, options()), "cpu");
  }

  private static OrtSession.SessionOptions options() throws OrtException {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    // Concurrency comes from parallel runs and batching; more threads per run only contend.
    options.setIntraOpNumThreads(1);
    options.setInterOpNumThreads(1);
    options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    return options;
  }

  private static String firstLine(Throwable e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  private static List<TensorSpec> specs(Map<String, NodeInfo> infos, String kind) {
    List<TensorSpec> specs = new ArrayList<>();
    for (NodeInfo node : infos.values()) {
      if (!(node.getInfo() instanceof TensorInfo info)) {
        throw new IllegalArgumentException(
            kind
                + " '"
                + node.getName()
                + "' is not a tensor; this server serves tensor models only");
      }
      DataType type =
          DataType.fromOnnx(info.type)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          kind
                              + " '"
                              + node.getName()
                              + "' has element type "
                              + info.onnxType
                              + ", not one this server serves ("
                              + DataType.supportedNames()
                              + ")"));
      long[] shape = info.getShape().clone();
      for (int i = 0; i < shape.length; i++) {
        shape[i] = shape[i] < 0 ? -1 : shape[i];
      }
      specs.add(new TensorSpec(node.getName(), type, shape));
    }
    return List.copyOf(specs);
  }

  public ModelSignature signature() {
    return signature;
  }

  public String executionProvider() {
    return executionProvider;
  }

  /**
   * Runs the model once; returns every output by name. Safe to call from several threads.
   *
   * <p>Inputs of up to {@value #SCRATCH_BYTES} bytes in all are copied into a direct buffer that
   * the calling thread keeps for its next run; ONNX Runtime would otherwise allocate (and the
   * collector later free) native memory for every input of every run.
   */
  public Map<String, Tensor> run(Map<String, Tensor> inputs) throws OrtException {
    Map<String, OnnxTensor> onnxInputs = new LinkedHashMap<>();
    long total = 0;
    for (Tensor input : inputs.values()) {
      total += input.byteSize();
    }
    ByteBuffer scratch = total <= SCRATCH_BYTES ? scratch((int) total) : null;
    try {
      int offset = 0;
      for (Tensor input : inputs.values()) {
        if (scratch == null) {
          onnxInputs.put(input.name(), input.toOnnx(env));
        } else {
          int bytes = (int) input.byteSize();
          onnxInputs.put(input.name(), input.toOnnx(env, scratch.slice(offset, bytes)));
          offset += bytes;
        }
      }
      try (OrtSession.Result result = session.run(onnxInputs)) {
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        for (Map.Entry<String, OnnxValue> entry : result) {
          outputs.put(
              entry.getKey(), Tensor.fromOnnx(entry.getKey(), (OnnxTensor) entry.getValue()));
        }
        return outputs;
      }
    } finally {
      onnxInputs.values().forEach(OnnxTensor::close);
    }
  }

  /** Most input bytes per run that go through the calling thread's reused direct buffer. */
  static final int SCRATCH_BYTES = 1 << 20;

  private static final ThreadLocal<ByteBuffer[]> SCRATCH =
      ThreadLocal.withInitial(() -> new ByteBuffer[1]);

  /** The calling thread's direct buffer, grown (to a power of two) to hold {@code bytes}. */
  private static ByteBuffer scratch(int bytes) {
    ByteBuffer[] held = SCRATCH.get();
    if (held[0] == null || held[0].capacity() < bytes) {
      held[0] =
          ByteBuffer.allocateDirect(
              Math.max(256, Integer.highestOneBit(Math.max(1, bytes - 1)) << 1));
    }
    return held[0];
  }

  /** Inputs of zeros with every dynamic dimension set to 1, for the warm-up run. */
  public Map<String, Tensor> zeroInputs() {
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    for (TensorSpec spec : signature.inputs()) {
      long[] shape = spec.shape().clone();
      long count = 1;
      for (int i = 0; i < shape.length; i++) {
        shape[i] = shape[i] < 0 ? 1 : shape[i];
        count *= shape[i];
      }
      inputs.put(
          spec.name(),
          new Tensor(spec.name(), spec.type(), shape, Tensor.newArray(spec.type(), (int) count)));
    }
    return inputs;
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
