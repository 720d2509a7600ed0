package io.modelkeeper.server.capture;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;

/**
 * One captured row as a line of JSON: {@code time}, {@code model}, {@code version}, {@code id},
 * {@code row}, {@code features} (input name to values), {@code label}, {@code prediction}, and,
 * when the model gave probabilities, {@code score} and {@code probabilities}.
 */
final class DatasetLine {
  private static final JsonFactory JSON = new JsonFactory();

  private final String model;
  private final String version;

  DatasetLine(String model, String version) {
    this.model = model;
    this.version = version;
  }

  /** Appends the row as one JSON object and a newline. */
  void write(CapturedRow row, ByteArrayOutputStream out) throws IOException {
    try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeStringField("time", row.time().toString());
      json.writeStringField("model", model);
      json.writeStringField("version", version);
      json.writeStringField("id", row.id());
      json.writeNumberField("row", row.row());
      json.writeObjectFieldStart("features");
      for (Map.Entry<String, float[]> input : row.features().entrySet()) {
        json.writeFieldName(input.getKey());
        float[] values = input.getValue();
        json.writeArray(toDoubles(values), 0, values.length);
      }
      json.writeEndObject();
      writeNumber(json, "label", row.label());
      writeNumber(json, "prediction", row.prediction());
      if (row.score() != null) {
        json.writeNumberField("score", shortest(row.score().floatValue()));
      }
      if (row.probabilities() != null) {
        json.writeFieldName("probabilities");
        json.writeArray(toDoubles(row.probabilities()), 0, row.probabilities().length);
      }
      json.writeEndObject();
    }
    out.write('\n');
  }

  private static void writeNumber(JsonGenerator json, String field, Number value)
      throws IOException {
    json.writeFieldName(field);
    if (value instanceof Integer || value instanceof Long) {
      json.writeNumber(value.longValue());
    } else {
      json.writeNumber(value.doubleValue());
    }
  }

  private static double[] toDoubles(float[] values) {
    double[] result = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      result[i] = shortest(values[i]);
    }
    return result;
  }

  /** Through the decimal text, so 0.1f is written as 0.1 rather than 0.10000000149011612. */
  private static double shortest(float value) {
    return Double.parseDouble(Float.toString(value));
  }
}
