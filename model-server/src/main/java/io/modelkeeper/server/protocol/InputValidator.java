package io.modelkeeper.server.protocol;

import io.modelkeeper.server.batching.OverloadedException;
import io.modelkeeper.server.onnx.DataType;
import io.modelkeeper.server.onnx.ModelSignature;
import io.modelkeeper.server.onnx.Tensor;
import io.modelkeeper.server.onnx.TensorSpec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a request's inputs against the model's signature and the request limits, then turns them
 * into tensors; every mismatch becomes a 4xx that names the input and says what the model expects.
 * Nothing is allocated for an input's data until every input's shape has passed the limits, the
 * bytes it will take have been reserved, and its JSON values have been counted against its shape.
 */
public final class InputValidator {

  private InputValidator() {}

  /** Takes bytes for decoded tensors from the server's in-flight budget, or refuses. */
  @FunctionalInterface
  public interface Budget {
    void reserve(long bytes) throws BadRequestException, OverloadedException;
  }

  /** The model's inputs in graph order, and the number of rows they carry. */
  public record ValidatedInputs(Map<String, Tensor> tensors, int rows) {}

  /** One input whose type and shape have passed, waiting for its data to be read. */
  private record Checked(InferRequest.Input input, TensorSpec spec, DataType type, int count) {}

  public static ValidatedInputs validate(
      InferRequest request,
      ModelSignature signature,
      String model,
      RequestLimits limits,
      Budget budget)
      throws BadRequestException, OverloadedException {
    Map<String, InferRequest.Input> byName = new LinkedHashMap<>();
    for (InferRequest.Input input : request.inputs()) {
      if (signature.input(input.name()).isEmpty()) {
        throw new BadRequestException(
            "input '"
                + input.name()
                + "' is not an input of model "
                + model
                + " (inputs: "
                + signature.inputNames()
                + ")");
      }
      byName.put(input.name(), input);
    }
    List<Checked> checked = new ArrayList<>();
    long rows = -1;
    String rowsFrom = null;
    long elements = 0;
    long bytes = 0;
    for (TensorSpec spec : signature.inputs()) {
      InferRequest.Input input = byName.get(spec.name());
      if (input == null) {
        throw new BadRequestException(
            "input '" + spec.name() + "' is required by model " + model + " but missing");
      }
      DataType type = checkType(input, spec);
      long[] shape = checkShape(input, spec);
      long tensorRows = shape.length == 0 ? 1 : shape[0];
      if (tensorRows > limits.maxRows()) {
        throw new BadRequestException(
            413,
            "input '"
                + input.name()
                + "' has "
                + tensorRows
                + " rows, more than the limit of "
                + limits.maxRows()
                + " per request (MODELKEEPER_MAX_REQUEST_ROWS)");
      }
      long count = RequestLimits.elements(shape);
      elements = count > limits.maxElements() ? Long.MAX_VALUE : elements + count;
      if (elements > limits.maxElements()) {
        throw new BadRequestException(
            413,
            "input '"
                + input.name()
                + "': shape "
                + text(shape)
                + " takes the request past the limit of "
                + limits.maxElements()
                + " values (MODELKEEPER_MAX_REQUEST_ELEMENTS)");
      }
      if (rows >= 0 && tensorRows != rows && signature.batchable()) {
        throw new BadRequestException(
            "inputs disagree on the number of rows: '"
                + rowsFrom
                + "' has "
                + rows
                + ", '"
                + spec.name()
                + "' has "
                + tensorRows);
      }
      rows = tensorRows;
      rowsFrom = spec.name();
      bytes += count * type.byteSize();
      checked.add(new Checked(input, spec, type, (int) count));
    }
    budget.reserve(bytes);
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (Checked input : checked) {
      tensors.put(input.spec().name(), toTensor(input, signature.allowsNaN(), model));
    }
    return new ValidatedInputs(tensors, (int) rows);
  }

  private static DataType checkType(InferRequest.Input input, TensorSpec spec)
      throws BadRequestException {
    String name = input.name();
    DataType type =
        DataType.fromProtocolName(input.datatype())
            .orElseThrow(
                () ->
                    new BadRequestException(
                        "input '"
                            + name
                            + "': datatype '"
                            + input.datatype()
                            + "' is not supported ("
                            + DataType.supportedNames()
                            + ")"));
    if (type != spec.type()) {
      throw new BadRequestException(
          "input '" + name + "': datatype " + type + " does not match the model's " + spec.type());
    }
    return type;
  }

  private static long[] checkShape(InferRequest.Input input, TensorSpec spec)
      throws BadRequestException {
    if (input.shape() == null) {
      throw new BadRequestException("input '" + input.name() + "': " + input.shapeProblem());
    }
    long[] shape = input.shape();
    if (!shapeFits(shape, spec.shape())) {
      throw new BadRequestException(
          "input '"
              + input.name()
              + "': shape "
              + text(shape)
              + " does not match the model's "
              + spec.shapeText()
              + " (-1 = any size)");
    }
    return shape;
  }

  private static Tensor toTensor(Checked checked, boolean allowNaN, String model)
      throws BadRequestException {
    InferRequest.Input input = checked.input();
    String name = input.name();
    long[] shape = input.shape();
    Object data =
        input.binary() != null
            ? fromBinary(input.binary(), checked.type(), checked.count(), name, shape)
            : JsonValues.read(input.data(), checked.type(), checked.count(), name, shape);
    if (!allowNaN) {
      rejectNaN(data, name, model);
    }
    return new Tensor(name, checked.type(), shape, data);
  }

  static String text(long[] shape) {
    return Arrays.toString(shape).replace(" ", "");
  }

  private static boolean shapeFits(long[] shape, long[] expected) {
    if (shape.length != expected.length) {
      return false;
    }
    for (int i = 0; i < shape.length; i++) {
      if (expected[i] >= 0 && expected[i] != shape[i]) {
        return false;
      }
    }
    return true;
  }

  private static Object fromBinary(
      ByteBuffer bytes, DataType type, int count, String name, long[] shape)
      throws BadRequestException {
    long needed = (long) count * type.byteSize();
    if (bytes.remaining() != needed) {
      throw new BadRequestException(
          "input '"
              + name
              + "': binary_data_size is "
              + bytes.remaining()
              + " bytes but shape "
              + text(shape)
              + " of "
              + type
              + " needs "
              + needed);
    }
    return Tensor.readLittleEndian(type, bytes, count);
  }

  private static void rejectNaN(Object data, String name, String model) throws BadRequestException {
    int bad = -1;
    if (data instanceof float[] values) {
      for (int i = 0; i < values.length && bad < 0; i++) {
        bad = Float.isFinite(values[i]) ? -1 : i;
      }
    } else if (data instanceof double[] values) {
      for (int i = 0; i < values.length && bad < 0; i++) {
        bad = Double.isFinite(values[i]) ? -1 : i;
      }
    }
    if (bad >= 0) {
      throw new BadRequestException(
          "input '"
              + name
              + "': data["
              + bad
              + "] is NaN or infinite, which model "
              + model
              + " does not accept");
    }
  }
}
