package io.modelkeeper.server.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * An Open Inference Protocol inference request as received, before it is checked against the model:
 * each input carries either where its JSON {@code data} lies in the body or its slice of the binary
 * body. Nothing here is sized by what the request claims, only by the bytes it sent.
 */
public record InferRequest(
    String id,
    ObjectNode parameters,
    List<Input> inputs,
    List<RequestedOutput> outputs,
    boolean binaryOutputsByDefault) {

  /**
   * One input tensor of the request.
   *
   * @param shape the sizes as sent, or null when {@code shapeProblem} says why they are unusable
   * @param data the JSON {@code data} list, or null when the input has none (or binary data)
   */
  public record Input(
      String name,
      String datatype,
      long[] shape,
      String shapeProblem,
      JsonData data,
      ByteBuffer binary) {}

  /**
   * Where an input's JSON {@code data} value lies in the body: bytes {@code [from, to)}; it is read
   * only after its shape has been checked against the limits and against the values present.
   */
  public record JsonData(byte[] body, int from, int to, boolean isList) {}

  /** An output the caller asked for; {@code binary} is null when the request did not say. */
  public record RequestedOutput(String name, Boolean binary) {}
}
