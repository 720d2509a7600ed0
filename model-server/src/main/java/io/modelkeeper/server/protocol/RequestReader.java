package io.modelkeeper.server.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads inference requests in the JSON form and in the binary-data extension's form, streaming:
 * tensor {@code data} is not built into a tree but located, so that it is read into its primitive
 * array only once its shape has been checked (see {@link InputValidator}). Everything else a caller
 * sends is capped: nesting depth, string, name and number lengths, id length, the number of inputs
 * and dimensions, and the size of the small objects ({@code parameters}, {@code outputs}) that are
 * read as trees.
 */
public final class RequestReader {

  public static final String HEADER_LENGTH = "Inference-Header-Content-Length";

  static final int MAX_NESTING_DEPTH = 32;
  static final int MAX_STRING_LENGTH = 64 * 1024;
  static final int MAX_NAME_LENGTH = 1024;
  static final int MAX_NUMBER_LENGTH = 64;
  static final int MAX_ID_LENGTH = 256;
  static final int MAX_INPUTS = 64;
  static final int MAX_RANK = 16;
  static final int MAX_TREE_BYTES = 64 * 1024;

  // NaN and Infinity are read so that they can be refused with a message naming the input.
  static final JsonFactory FACTORY =
      JsonFactory.builder()
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(MAX_NESTING_DEPTH)
                  .maxStringLength(MAX_STRING_LENGTH)
                  .maxNameLength(MAX_NAME_LENGTH)
                  .maxNumberLength(MAX_NUMBER_LENGTH)
                  .build())
          .build();
  private static final ObjectMapper MAPPER = new JsonMapper(FACTORY);

  private RequestReader() {}

  public static InferRequest readJson(byte[] body) throws BadRequestException {
    return readJson(body, body.length);
  }

  /** A JSON request in the first {@code length} bytes of {@code body}. */
  public static InferRequest readJson(byte[] body, int length) throws BadRequestException {
    return read(body, length, null);
  }

  public static InferRequest readBinary(byte[] body, String headerLength)
      throws BadRequestException {
    return readBinary(body, body.length, headerLength);
  }

  /** A JSON header of {@code headerLength} bytes followed by the inputs' raw little-endian data. */
  public static InferRequest readBinary(byte[] body, int length, String headerLength)
      throws BadRequestException {
    int header;
    try {
      header = Integer.parseInt(headerLength.trim());
    } catch (NumberFormatException e) {
      throw new BadRequestException(
          HEADER_LENGTH + " must be an integer, got '" + shorten(headerLength) + "'");
    }
    if (header < 0 || header > length) {
      throw new BadRequestException(
          HEADER_LENGTH + " is " + header + " but the body has only " + length + " bytes");
    }
    return read(body, header, ByteBuffer.wrap(body, header, length - header).slice());
  }

  private static InferRequest read(byte[] body, int length, ByteBuffer binary)
      throws BadRequestException {
    try (JsonParser parser = FACTORY.createParser(body, 0, length)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new BadRequestException("the request body must be a JSON object with 'inputs'");
      }
      String id = null;
      ObjectNode parameters = null;
      List<InferRequest.Input> inputs = null;
      List<InferRequest.RequestedOutput> outputs = List.of();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        parser.nextToken();
        switch (field) {
          case "id" -> id = readId(parser);
          case "parameters" ->
              parameters = objectOrNull(tree(parser, body, "'parameters'"), "'parameters'");
          case "inputs" -> inputs = readInputs(parser, body, binary);
          case "outputs" -> outputs = readOutputs(tree(parser, body, "'outputs'"));
          default -> parser.skipChildren();
        }
      }
      if (inputs == null) {
        throw new BadRequestException("'inputs' must be a non-empty list of tensors");
      }
      if (binary != null && binary.hasRemaining()) {
        throw new BadRequestException(
            binary.remaining()
                + " bytes of binary data follow the header but no input claims them"
                + " (binary_data_size)");
      }
      boolean binaryOutputs =
          parameters != null && parameters.path("binary_data_output").asBoolean(false);
      return new InferRequest(id, parameters, inputs, outputs, binaryOutputs);
    } catch (StreamConstraintsException e) {
      throw new BadRequestException("the request exceeds a JSON limit: " + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw new BadRequestException("malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new BadRequestException("malformed JSON: " + e.getMessage());
    }
  }

  private static String readId(JsonParser parser) throws IOException, BadRequestException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    if (token != JsonToken.VALUE_STRING) {
      throw new BadRequestException("'id' must be a string");
    }
    int length = parser.getTextLength();
    if (length > MAX_ID_LENGTH) {
      throw new BadRequestException(
          "'id' has " + length + " characters, more than the limit of " + MAX_ID_LENGTH);
    }
    return parser.getText();
  }

  /**
   * Reads the current value as a tree, refusing one larger than {@link #MAX_TREE_BYTES}: it is
   * skipped first (which costs no memory), and only then read from its bytes.
   */
  private static JsonNode tree(JsonParser parser, byte[] body, String what)
      throws IOException, BadRequestException {
    if (!parser.currentToken().isStructStart()) {
      return MAPPER.readTree(parser);
    }
    long from = parser.currentTokenLocation().getByteOffset();
    parser.skipChildren();
    long to = parser.currentLocation().getByteOffset();
    if (to - from > MAX_TREE_BYTES) {
      throw new BadRequestException(
          what + " is " + (to - from) + " bytes of JSON, more than the limit of " + MAX_TREE_BYTES);
    }
    return MAPPER.readTree(body, (int) from, (int) (to - from));
  }

  private static List<InferRequest.Input> readInputs(
      JsonParser parser, byte[] body, ByteBuffer binary) throws IOException, BadRequestException {
    if (parser.currentToken() != JsonToken.START_ARRAY) {
      throw new BadRequestException("'inputs' must be a non-empty list of tensors");
    }
    List<InferRequest.Input> inputs = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; parser.nextToken() != JsonToken.END_ARRAY; i++) {
      if (i == MAX_INPUTS) {
        throw new BadRequestException("a request may carry at most " + MAX_INPUTS + " inputs");
      }
      if (parser.currentToken() != JsonToken.START_OBJECT) {
        throw new BadRequestException("inputs[" + i + "] must be an object");
      }
      InferRequest.Input input = readInput(parser, body, i, binary);
      if (!seen.add(input.name())) {
        throw new BadRequestException("input '" + input.name() + "' appears more than once");
      }
      inputs.add(input);
    }
    if (inputs.isEmpty()) {
      throw new BadRequestException("'inputs' must be a non-empty list of tensors");
    }
    return inputs;
  }

  private static InferRequest.Input readInput(
      JsonParser parser, byte[] body, int index, ByteBuffer binary)
      throws IOException, BadRequestException {
    String name = null;
    boolean nameIsText = false;
    String datatype = null;
    boolean datatypeIsText = false;
    Shape shape = new Shape(null, "'shape' must be a list of sizes, e.g. [1, 4]");
    JsonNode parameters = null;
    InferRequest.JsonData data = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      switch (field) {
        case "name" -> {
          nameIsText = value == JsonToken.VALUE_STRING;
          name = nameIsText ? parser.getText() : null;
          parser.skipChildren();
        }
        case "datatype" -> {
          datatypeIsText = value == JsonToken.VALUE_STRING;
          datatype = datatypeIsText ? parser.getText() : null;
          parser.skipChildren();
        }
        case "shape" -> shape = readShape(parser);
        case "parameters" -> parameters = tree(parser, body, "input parameters");
        case "data" -> {
          int from = (int) parser.currentTokenLocation().getByteOffset();
          boolean isList = value == JsonToken.START_ARRAY;
          parser.skipChildren();
          data =
              new InferRequest.JsonData(
                  body, from, (int) parser.currentLocation().getByteOffset(), isList);
        }
        default -> parser.skipChildren();
      }
    }
    if (!nameIsText || name.isEmpty()) {
      throw new BadRequestException("inputs[" + index + "].name must be a non-empty string");
    }
    if (!datatypeIsText) {
      throw new BadRequestException(
          "input '" + name + "': 'datatype' must be a string such as \"FP32\"");
    }
    ObjectNode inputParameters = objectOrNull(parameters, "input '" + name + "' parameters");
    JsonNode binarySize = inputParameters == null ? null : inputParameters.get("binary_data_size");
    ByteBuffer slice = null;
    if (binarySize != null) {
      slice = takeBinary(name, binarySize, binary);
      data = null;
    } else if (data == null) {
      throw new BadRequestException("input '" + name + "': 'data' is missing");
    }
    return new InferRequest.Input(name, datatype, shape.sizes(), shape.problem(), data, slice);
  }

  /** The sizes of a shape, or why they cannot be used. */
  private record Shape(long[] sizes, String problem) {}

  private static Shape readShape(JsonParser parser) throws IOException {
    if (parser.currentToken() != JsonToken.START_ARRAY) {
      parser.skipChildren();
      return new Shape(null, "'shape' must be a list of sizes, e.g. [1, 4]");
    }
    long[] sizes = new long[4];
    int rank = 0;
    String problem = null;
    for (JsonToken token = parser.nextToken();
        token != JsonToken.END_ARRAY;
        token = parser.nextToken()) {
      if (problem != null) {
        parser.skipChildren();
        continue;
      }
      if (rank == MAX_RANK) {
        problem = "shape has more than " + MAX_RANK + " dimensions";
      } else if (token == JsonToken.VALUE_NUMBER_INT
          && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER
          && parser.getLongValue() >= 1) {
        if (rank == sizes.length) {
          sizes = Arrays.copyOf(sizes, 2 * rank);
        }
        sizes[rank++] = parser.getLongValue();
      } else {
        problem = "shape[" + rank + "] must be a positive integer, got " + shown(parser);
      }
      parser.skipChildren();
    }
    return problem != null ? new Shape(null, problem) : new Shape(Arrays.copyOf(sizes, rank), null);
  }

  /** The current value as the caller wrote it, shortened; a list or object as its first token. */
  static String shown(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.VALUE_STRING) {
      return "\"" + shorten(parser.getText()) + "\"";
    }
    if (token.isStructStart()) {
      return token == JsonToken.START_ARRAY ? "[…]" : "{…}";
    }
    return shorten(parser.getText());
  }

  private static String shorten(String text) {
    return text.length() > 40 ? text.substring(0, 40) + "…" : text;
  }

  private static ByteBuffer takeBinary(String name, JsonNode size, ByteBuffer binary)
      throws BadRequestException {
    if (binary == null) {
      throw new BadRequestException(
          "input '"
              + name
              + "' has binary_data_size but the request has no "
              + HEADER_LENGTH
              + " header");
    }
    if (!size.canConvertToInt() || !size.isIntegralNumber() || size.asInt() < 0) {
      throw new BadRequestException(
          "input '" + name + "': binary_data_size must be a non-negative integer");
    }
    int bytes = size.asInt();
    if (bytes > binary.remaining()) {
      throw new BadRequestException(
          "input '"
              + name
              + "': binary_data_size "
              + bytes
              + " exceeds the "
              + binary.remaining()
              + " bytes of binary data left");
    }
    ByteBuffer slice = binary.slice().limit(bytes);
    binary.position(binary.position() + bytes);
    return slice;
  }

  private static List<InferRequest.RequestedOutput> readOutputs(JsonNode node)
      throws BadRequestException {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new BadRequestException("'outputs' must be a list of {\"name\": ...} objects");
    }
    List<InferRequest.RequestedOutput> outputs = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      JsonNode output = node.get(i);
      JsonNode name = output.get("name");
      if (name == null || !name.isTextual()) {
        throw new BadRequestException("outputs[" + i + "].name must be a string");
      }
      ObjectNode parameters =
          objectOrNull(output.get("parameters"), "output '" + name.asText() + "' parameters");
      JsonNode binary = parameters == null ? null : parameters.get("binary_data");
      if (binary != null && !binary.isBoolean()) {
        throw new BadRequestException(
            "output '" + name.asText() + "': binary_data must be true or false");
      }
      outputs.add(
          new InferRequest.RequestedOutput(
              name.asText(), binary == null ? null : binary.asBoolean()));
    }
    return outputs;
  }

  private static ObjectNode objectOrNull(JsonNode node, String what) throws BadRequestException {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw new BadRequestException(what + " must be a JSON object");
    }
    return (ObjectNode) node;
  }
}
