package io.modelkeeper.server.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads inference requests in the JSON form and in the binary-data extension's form. */
public final class RequestReader {

  public static final String HEADER_LENGTH = "Inference-Header-Content-Length";

  // NaN and Infinity are read so that they can be refused with a message naming the input.
  private static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  private RequestReader() {}

  public static InferRequest readJson(byte[] body) throws BadRequestException {
    return read(body, 0, body.length, null);
  }

  /** A JSON header of {@code headerLength} bytes followed by the inputs' raw little-endian data. */
  public static InferRequest readBinary(byte[] body, String headerLength)
      throws BadRequestException {
    int length;
    try {
      length = Integer.parseInt(headerLength.trim());
    } catch (NumberFormatException e) {
      throw new BadRequestException(
          HEADER_LENGTH + " must be an integer, got '" + headerLength + "'");
    }
    if (length < 0 || length > body.length) {
      throw new BadRequestException(
          HEADER_LENGTH + " is " + length + " but the body has only " + body.length + " bytes");
    }
    return read(body, 0, length, ByteBuffer.wrap(body, length, body.length - length).slice());
  }

  private static InferRequest read(byte[] body, int offset, int length, ByteBuffer binary)
      throws BadRequestException {
    JsonNode root;
    try {
      root = MAPPER.readTree(body, offset, length);
    } catch (JsonProcessingException e) {
      throw new BadRequestException("malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new BadRequestException("malformed JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new BadRequestException("the request body must be a JSON object with 'inputs'");
    }
    String id = null;
    JsonNode idNode = root.get("id");
    if (idNode != null && !idNode.isNull()) {
      if (!idNode.isTextual()) {
        throw new BadRequestException("'id' must be a string");
      }
      id = idNode.asText();
    }
    ObjectNode parameters = objectOrNull(root.get("parameters"), "'parameters'");
    boolean binaryOutputs =
        parameters != null && parameters.path("binary_data_output").asBoolean(false);
    List<InferRequest.Input> inputs = readInputs(root.get("inputs"), binary);
    List<InferRequest.RequestedOutput> outputs = readOutputs(root.get("outputs"));
    return new InferRequest(id, parameters, inputs, outputs, binaryOutputs);
  }

  private static List<InferRequest.Input> readInputs(JsonNode node, ByteBuffer binary)
      throws BadRequestException {
    if (node == null || !node.isArray() || node.isEmpty()) {
      throw new BadRequestException("'inputs' must be a non-empty list of tensors");
    }
    List<InferRequest.Input> inputs = new ArrayList<>(node.size());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode input = node.get(i);
      if (!input.isObject()) {
        throw new BadRequestException("inputs[" + i + "] must be an object");
      }
      JsonNode nameNode = input.get("name");
      if (nameNode == null || !nameNode.isTextual() || nameNode.asText().isEmpty()) {
        throw new BadRequestException("inputs[" + i + "].name must be a non-empty string");
      }
      String name = nameNode.asText();
      if (!seen.add(name)) {
        throw new BadRequestException("input '" + name + "' appears more than once");
      }
      JsonNode datatype = input.get("datatype");
      if (datatype == null || !datatype.isTextual()) {
        throw new BadRequestException(
            "input '" + name + "': 'datatype' must be a string such as \"FP32\"");
      }
      ObjectNode parameters =
          objectOrNull(input.get("parameters"), "input '" + name + "' parameters");
      JsonNode binarySize = parameters == null ? null : parameters.get("binary_data_size");
      ByteBuffer slice = null;
      if (binarySize != null) {
        slice = takeBinary(name, binarySize, binary);
      } else if (input.get("data") == null) {
        throw new BadRequestException("input '" + name + "': 'data' is missing");
      }
      inputs.add(
          new InferRequest.Input(
              name, datatype.asText(), input.get("shape"), input.get("data"), slice));
    }
    if (binary != null && binary.hasRemaining()) {
      throw new BadRequestException(
          binary.remaining()
              + " bytes of binary data follow the header but no input claims them"
              + " (binary_data_size)");
    }
    return inputs;
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
