package io.modelkeeper.server.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.modelkeeper.server.onnx.DataType;
import io.modelkeeper.server.onnx.Tensor;
import java.io.IOException;

/**
 * Reads an input's JSON {@code data}, flat or nested row-major, into its primitive array: the
 * values are counted against the shape first, so a shape the data does not fill costs nothing.
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
      // Count first, so that a shape the values do not fill costs nothing.
      int present = count(data, count);
      if (present > count) {
        throw new BadRequestException(
            "input '" + name + "': data has more values than its shape holds (" + count + ")");
      }
      if (present != count) {
        throw new BadRequestException(
            "input '"
                + name
                + "': data has "
                + present
                + " values but shape "
                + InputValidator.text(shape)
                + " needs "
                + count);
      }
      Object array = Tensor.newArray(type, count);
      fill(data, array, type, name);
      return array;
    } catch (IOException e) {
      throw new BadRequestException("input '" + name + "': malformed data: " + e.getMessage());
    }
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

  /** Reads the values of nested lists row-major into {@code array}, which they exactly fill. */
  private static void fill(InferRequest.JsonData data, Object array, DataType type, String name)
      throws IOException, BadRequestException {
    int index = 0;
    try (JsonParser parser = parser(data)) {
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        if (token == JsonToken.START_ARRAY || token == JsonToken.END_ARRAY) {
          continue;
        }
        set(array, type, index, parser, token, name);
        index++;
      }
    }
  }

  private static void set(
      Object array, DataType type, int index, JsonParser parser, JsonToken token, String name)
      throws IOException, BadRequestException {
    boolean integral =
        token == JsonToken.VALUE_NUMBER_INT
            && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER;
    switch (type) {
      case FP32 -> ((float[]) array)[index] = (float) number(parser, token, index, name);
      case FP64 -> ((double[]) array)[index] = number(parser, token, index, name);
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

  private static double number(JsonParser parser, JsonToken token, int index, String name)
      throws IOException, BadRequestException {
    if (!token.isNumeric()) {
      throw notA("a number", parser, index, name);
    }
    return parser.getDoubleValue();
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
