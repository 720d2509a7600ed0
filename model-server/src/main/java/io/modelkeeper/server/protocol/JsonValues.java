package io.modelkeeper.server.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.NumberInput;
import io.modelkeeper.server.onnx.DataType;
import io.modelkeeper.server.onnx.Tensor;
import java.io.IOException;

/**
 * Reads an input's JSON {@code data}, flat or nested row-major, into its primitive array in one
 * pass: a shape that claims more values than the data's bytes can hold is refused before anything
 * is allocated, so no array is larger than a small multiple of the bytes actually sent.
 */
final class JsonValues {

  private JsonValues() {}

  static Object read(
      InferRequest.JsonData data, DataType type, int count, String name, long[] shape)
      throws BadRequestException {
    if (data == null || !data.isList()) {
      throw new BadRequestException("input '" + name + "': 'data' must be a list of values");
    }
    try {
      // Every value takes at least two bytes of JSON (a digit and a separator, the last one a
      // bracket): a shape that claims more values than the bytes can hold is refused without
      // allocating anything, and otherwise the array costs at most a few times the bytes sent.
      if (count > (data.to() - data.from()) / 2) {
        throw wrongCount(count(data, count), count, name, shape);
      }
      Object array = Tensor.newArray(type, count);
      int present = fill(data, array, type, count, name);
      if (present != count) {
        throw wrongCount(present, count, name, shape);
      }
      return array;
    } catch (IOException e) {
      throw new BadRequestException("input '" + name + "': malformed data: " + e.getMessage());
    }
  }

  private static BadRequestException wrongCount(int present, int count, String name, long[] shape) {
    if (present > count) {
      return new BadRequestException(
          "input '" + name + "': data has more values than its shape holds (" + count + ")");
    }
    return new BadRequestException(
        "input '"
            + name
            + "': data has "
            + present
            + " values but shape "
            + InputValidator.text(shape)
            + " needs "
            + count);
  }

  private static JsonParser parser(InferRequest.JsonData data) throws IOException {
    return RequestReader.FACTORY.createParser(data.body(), data.from(), data.to() - data.from());
  }

  /** The values in the nested lists, counted up to one past {@code limit}. */
  private static int count(InferRequest.JsonData data, int limit) throws IOException {
    int count = 0;
    try (JsonParser parser = parser(data)) {
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        if (token == JsonToken.START_ARRAY || token == JsonToken.END_ARRAY) {
          continue;
        }
        parser.skipChildren();
        if (++count > limit) {
          break;
        }
      }
    }
    return count;
  }

  /**
   * Reads the values of nested lists row-major into {@code array} of {@code count} elements, in one
   * pass; returns how many values there are, counted up to one past {@code count}.
   */
  private static int fill(
      InferRequest.JsonData data, Object array, DataType type, int count, String name)
      throws IOException, BadRequestException {
    int index = 0;
    try (JsonParser parser = parser(data)) {
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        if (token == JsonToken.START_ARRAY || token == JsonToken.END_ARRAY) {
          continue;
        }
        if (index == count) {
          return count + 1;
        }
        set(array, type, index, parser, token, name);
        index++;
      }
    }
    return index;
  }

  private static void set(
      Object array, DataType type, int index, JsonParser parser, JsonToken token, String name)
      throws IOException, BadRequestException {
    boolean integral =
        token == JsonToken.VALUE_NUMBER_INT
            && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER;
    switch (type) {
      case FP32 -> ((float[]) array)[index] = floatNumber(parser, token, index, name);
      case FP64 -> ((double[]) array)[index] = doubleNumber(parser, token, index, name);
      case INT32 -> {
        if (!integral || parser.getNumberType() != JsonParser.NumberType.INT) {
          throw notA("a 32-bit integer", parser, index, name);
        }
        ((int[]) array)[index] = parser.getIntValue();
      }
      case INT64 -> {
        if (!integral) {
          throw notA("a 64-bit integer", parser, index, name);
        }
        ((long[]) array)[index] = parser.getLongValue();
      }
      case BOOL -> {
        if (!token.isBoolean()) {
          throw notA("true or false", parser, index, name);
        }
        ((boolean[]) array)[index] = token == JsonToken.VALUE_TRUE;
      }
    }
  }

  /**
   * The number as a float, read from the parser's own characters (no String per value), rounded
   * once from its decimal text; NaN and the infinities (read only to be refused) as Jackson reads
   * them.
   */
  private static float floatNumber(JsonParser parser, JsonToken token, int index, String name)
      throws IOException, BadRequestException {
    if (!token.isNumeric()) {
      throw notA("a number", parser, index, name);
    }
    if (parser.isNaN()) {
      return (float) parser.getDoubleValue();
    }
    return NumberInput.parseFloat(
        parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength(), true);
  }

  private static double doubleNumber(JsonParser parser, JsonToken token, int index, String name)
      throws IOException, BadRequestException {
    if (!token.isNumeric()) {
      throw notA("a number", parser, index, name);
    }
    if (parser.isNaN()) {
      return parser.getDoubleValue();
    }
    return NumberInput.parseDouble(
        parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength(), true);
  }

  private static BadRequestException notA(String what, JsonParser parser, int index, String name)
      throws IOException {
    return new BadRequestException(
        "input '"
            + name
            + "': data["
            + index
            + "] is "
            + RequestReader.shown(parser)
            + ", not "
            + what);
  }
}
