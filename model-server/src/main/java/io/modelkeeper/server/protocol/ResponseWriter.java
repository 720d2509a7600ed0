package io.modelkeeper.server.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelkeeper.server.onnx.ModelSignature;
import io.modelkeeper.server.onnx.Tensor;
import io.modelkeeper.server.onnx.TensorSpec;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Writes inference responses: JSON, or a JSON header followed by binary output data. */
public final class ResponseWriter {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private ResponseWriter() {}

  /** A response body; {@code headerLength} is set when binary data follows the JSON header. */
  public record Body(Buffer bytes, Integer headerLength) {}

  /**
   * Jackson writes the JSON straight into the response's buffer: no array in between to grow, copy
   * out and copy again into the buffer.
   */
  private static final class BufferOutput extends OutputStream {
    private final Buffer buffer;

    BufferOutput(Buffer buffer) {
      this.buffer = buffer;
    }

    @Override
    public void write(int b) {
      buffer.appendByte((byte) b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      buffer.appendBytes(bytes, offset, length);
    }
  }

  /**
   * The outputs to send, in the order asked for (all outputs in graph order if none were named).
   */
  public static List<InferRequest.RequestedOutput> selectOutputs(
      InferRequest request, ModelSignature signature) throws BadRequestException {
    if (request.outputs().isEmpty()) {
      List<InferRequest.RequestedOutput> all = new ArrayList<>();
      for (TensorSpec spec : signature.outputs()) {
        all.add(new InferRequest.RequestedOutput(spec.name(), null));
      }
      return all;
    }
    for (InferRequest.RequestedOutput output : request.outputs()) {
      if (signature.output(output.name()).isEmpty()) {
        throw new BadRequestException(
            "output '"
                + output.name()
                + "' is not an output of the model (outputs: "
                + signature.outputNames()
                + ")");
      }
    }
    return request.outputs();
  }

  public static Body write(
      String model,
      String version,
      String id,
      InferRequest request,
      List<InferRequest.RequestedOutput> selected,
      Map<String, Tensor> outputs) {
    List<Tensor> binary = new ArrayList<>();
    Buffer out = Buffer.buffer(256);
    try (JsonGenerator json = FACTORY.createGenerator(new BufferOutput(out))) {
      json.writeStartObject();
      json.writeStringField("model_name", model);
      json.writeStringField("model_version", version);
      json.writeStringField("id", id);
      if (request.parameters() != null) {
        json.writeFieldName("parameters");
        MAPPER.writeTree(json, request.parameters());
      }
      json.writeArrayFieldStart("outputs");
      for (InferRequest.RequestedOutput wanted : selected) {
        Tensor tensor = outputs.get(wanted.name());
        boolean asBinary =
            wanted.binary() != null ? wanted.binary() : request.binaryOutputsByDefault();
        writeOutput(json, tensor, asBinary);
        if (asBinary) {
          binary.add(tensor);
        }
      }
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (binary.isEmpty()) {
      return new Body(out, null);
    }
    int headerLength = out.length();
    int dataLength = 0;
    for (Tensor tensor : binary) {
      dataLength += tensor.elementCount() * tensor.type().byteSize();
    }
    ByteBuffer data = ByteBuffer.allocate(dataLength);
    for (Tensor tensor : binary) {
      tensor.writeLittleEndian(data);
    }
    out.appendBytes(data.array());
    return new Body(out, headerLength);
  }

  private static void writeOutput(JsonGenerator json, Tensor tensor, boolean asBinary)
      throws IOException {
    json.writeStartObject();
    json.writeStringField("name", tensor.name());
    json.writeStringField("datatype", tensor.type().name());
    json.writeArrayFieldStart("shape");
    for (long dim : tensor.shape()) {
      json.writeNumber(dim);
    }
    json.writeEndArray();
    if (asBinary) {
      json.writeObjectFieldStart("parameters");
      json.writeNumberField("binary_data_size", tensor.elementCount() * tensor.type().byteSize());
      json.writeEndObject();
    } else {
      json.writeArrayFieldStart("data");
      writeData(json, tensor);
      json.writeEndArray();
    }
    json.writeEndObject();
  }

  private static void writeData(JsonGenerator json, Tensor tensor) throws IOException {
    switch (tensor.type()) {
      case FP32 -> {
        for (float value : (float[]) tensor.data()) {
          json.writeNumber(value);
        }
      }
      case FP64 -> {
        for (double value : (double[]) tensor.data()) {
          json.writeNumber(value);
        }
      }
      case INT32 -> {
        for (int value : (int[]) tensor.data()) {
          json.writeNumber(value);
        }
      }
      case INT64 -> {
        for (long value : (long[]) tensor.data()) {
          json.writeNumber(value);
        }
      }
      case BOOL -> {
        for (boolean value : (boolean[]) tensor.data()) {
          json.writeBoolean(value);
        }
      }
    }
  }

  /** {@code {"error": message}} */
  public static byte[] error(String message) {
    try {
      return MAPPER.writeValueAsBytes(Map.of("error", message));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] json(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
