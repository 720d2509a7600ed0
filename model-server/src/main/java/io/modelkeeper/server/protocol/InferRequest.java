package io.modelkeeper.server.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * An Open Inference Protocol inference request as received, before it is checked against the model:
 * each input carries either its JSON {@code data} or its slice of the binary body.
 */
public record InferRequest(
    String id,
    ObjectNode parameters,
    List<Input> inputs,
    List<RequestedOutput> outputs,
    boolean binaryOutputsByDefault) {

  /** One input tensor of the request. */
  public record Input(
      String name, String datatype, JsonNode shape, JsonNode data, ByteBuffer binary) {}

  /** An output the caller asked for; {@code binary} is null when the request did not say. */
  public record RequestedOutput(String name, Boolean binary) {}
}
