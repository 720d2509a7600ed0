package io.modelkeeper.e2e.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Sends Open Inference Protocol v2 requests (and labelled feedback) to a model server address. */
public final class InferenceClient {

  /** An HTTP answer: its status and JSON body (or the raw text when it is not JSON). */
  public record Reply(int status, JsonNode body, String text) {
    public boolean ok() {
      return status / 100 == 2;
    }
  }

  private final ObjectMapper json = Serialization.jsonMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /**
   * {@code POST <base>/v2/models/<model>/infer} with one FP32 input of {@code rows} (n × features).
   */
  public Reply infer(String base, String model, String input, String id, float[][] rows) {
    List<Float> data = new ArrayList<>();
    for (float[] row : rows) {
      for (float value : row) {
        data.add(value);
      }
    }
    Map<String, Object> tensor = new LinkedHashMap<>();
    tensor.put("name", input);
    tensor.put("shape", List.of(rows.length, rows[0].length));
    tensor.put("datatype", "FP32");
    tensor.put("data", data);
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("id", id);
    request.put("inputs", List.of(tensor));
    return post(base + "/v2/models/" + model + "/infer", request);
  }

  /** The first output's data of a successful inference reply. */
  public static float[] firstOutput(Reply reply) {
    if (!reply.ok()) {
      throw new IllegalStateException(
          "inference failed with HTTP " + reply.status() + ": " + reply.text());
    }
    JsonNode data = reply.body().path("outputs").path(0).path("data");
    float[] values = new float[data.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) data.get(i).asDouble();
    }
    return values;
  }

  /**
   * {@code POST <base>/v2/models/<model>/feedback}: ground-truth labels, {@code [{"id", "label"}]},
   * for earlier inference ids. It goes to the pod that answered them, which holds those
   * predictions.
   */
  public Reply feedback(String base, String model, List<Map<String, Object>> labels) {
    return post(base + "/v2/models/" + model + "/feedback", labels);
  }

  public Reply get(String url) {
    return send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build());
  }

  public Reply post(String url, Object body) {
    try {
      return send(
          HttpRequest.newBuilder(URI.create(url))
              .timeout(Duration.ofSeconds(10))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)))
              .build());
    } catch (IOException e) {
      return new Reply(0, null, "cannot encode the request: " + e.getMessage());
    }
  }

  private Reply send(HttpRequest request) {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      JsonNode body;
      try {
        body = json.readTree(response.body());
      } catch (IOException notJson) {
        body = null;
      }
      return new Reply(response.statusCode(), body, response.body());
    } catch (IOException e) {
      return new Reply(0, null, "no answer from " + request.uri() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Reply(0, null, "interrupted");
    }
  }
}
