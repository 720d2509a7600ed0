package io.modelkeeper.server.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelkeeper.server.onnx.DataType;
import io.modelkeeper.server.onnx.ModelSignature;
import io.modelkeeper.server.onnx.Tensor;
import io.modelkeeper.server.onnx.TensorSpec;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checks a request's inputs against the model's signature and turns them into tensors; every
 * mismatch becomes a 400 that names the input and says what the model expects.
 */
public final class InputValidator {

  private static final long MAX_ELEMENTS = Integer.MAX_VALUE / 8;

  private InputValidator() {}

  /** The model's inputs in graph order, and the number of rows they carry. */
  public record ValidatedInputs(Map<String, Tensor> tensors, int rows) {}

  public static ValidatedInputs validate(
      InferRequest request, ModelSignature signature, String model) throws BadRequestException {
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
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    long rows = -1;
    String rowsFrom = null;
    for (TensorSpec spec : signature.inputs()) {
      InferRequest.Input input = byName.get(spec.name());
      if (input == null) {
        throw new BadRequestException(
            "input '" + spec.name() + "' is required by model " + model + " but missing");
      }
      Tensor tensor = toTensor(input, spec, signature.allowsNaN(), model);
      long tensorRows = tensor.rows();
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
      tensors.put(spec.name(), tensor);
    }
    return new ValidatedInputs(tensors, (int) rows);
  }

  private static Tensor toTensor(
      InferRequest.Input input, TensorSpec spec, boolean allowNaN, String model)
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
    long[] shape = shape(input.shape(), name);
    if (!shapeFits(shape, spec.shape())) {
      throw new BadRequestException(
          "input '"
              + name
              + "': shape "
              + Arrays.toString(shape).replace(" ", "")
              + " does not match the model's "
              + spec.shapeText()
              + " (-1 = any size)");
    }
    long count = 1;
    for (long dim : shape) {
      count *= dim;
      if (count > MAX_ELEMENTS) {
        throw new BadRequestException("input '" + name + "': shape has too many elements");
      }
    }
    Object data =
        input.binary() != null
            ? fromBinary(input.binary(), type, (int) count, name, shape)
            : fromJson(input.data(), type, (int) count, name, shape);
    if (!allowNaN) {
      rejectNaN(data, name, model);
    }
    return new Tensor(name, type, shape, data);
  }

  private static long[] shape(JsonNode node, String name) throws BadRequestException {
    if (node == null || !node.isArray()) {
      throw new BadRequestException(
          "input '" + name + "': 'shape' must be a list of sizes, e.g. [1, 4]");
    }
    long[] shape = new long[node.size()];
    for (int i = 0; i < shape.length; i++) {
      JsonNode dim = node.get(i);
      if (!dim.isIntegralNumber() || !dim.canConvertToLong() || dim.asLong() < 1) {
        throw new BadRequestException(
            "input '" + name + "': shape[" + i + "] must be a positive integer, got " + dim);
      }
      shape[i] = dim.asLong();
    }
    return shape;
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
              + Arrays.toString(shape).replace(" ", "")
              + " of "
              + type
              + " needs "
              + needed);
    }
    return Tensor.readLittleEndian(type, bytes, count);
  }

  private static Object fromJson(JsonNode data, DataType type, int count, String name, long[] shape)
      throws BadRequestException {
    if (data == null || !data.isArray()) {
      throw new BadRequestException("input '" + name + "': 'data' must be a list of values");
    }
    Object array = Tensor.newArray(type, count);
    int filled = fill(data, array, type, 0, count, name);
    if (filled != count) {
      throw new BadRequestException(
          "input '"
              + name
              + "': data has "
              + filled
              + " values but shape "
              + Arrays.toString(shape).replace(" ", "")
              + " needs "
              + count);
    }
    return array;
  }

  /** Flattens nested lists row-major into {@code array}, returning the next free index. */
  private static int fill(
      JsonNode node, Object array, DataType type, int index, int count, String name)
      throws BadRequestException {
    for (JsonNode value : node) {
      if (value.isArray()) {
        index = fill(value, array, type, index, count, name);
        continue;
      }
      if (index >= count) {
        throw new BadRequestException(
            "input '" + name + "': data has more values than its shape holds (" + count + ")");
      }
      set(array, type, index, value, name);
      index++;
    }
    return index;
  }

  private static void set(Object array, DataType type, int index, JsonNode value, String name)
      throws BadRequestException {
    switch (type) {
      case FP32 -> ((float[]) array)[index] = (float) number(value, index, name);
      case FP64 -> ((double[]) array)[index] = number(value, index, name);
      case INT32 -> {
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
          throw notA("a 32-bit integer", value, index, name);
        }
        ((int[]) array)[index] = value.intValue();
      }
      case INT64 -> {
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
          throw notA("a 64-bit integer", value, index, name);
        }
        ((long[]) array)[index] = value.longValue();
      }
      case BOOL -> {
        if (!value.isBoolean()) {
          throw notA("true or false", value, index, name);
        }
        ((boolean[]) array)[index] = value.booleanValue();
      }
    }
  }

  private static double number(JsonNode value, int index, String name) throws BadRequestException {
    if (!value.isNumber()) {
      throw notA("a number", value, index, name);
    }
    return value.doubleValue();
  }

  private static BadRequestException notA(String what, JsonNode value, int index, String name) {
    String shown = value.toString();
    shown = shown.length() > 40 ? shown.substring(0, 40) + "…" : shown;
    return new BadRequestException(
        "input '" + name + "': data[" + index + "] is " + shown + ", not " + what);
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
