package io.modelkeeper.operator.retraining;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelkeeper.api.v1alpha1.Blessing;
import io.modelkeeper.api.v1alpha1.RowCounts;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Pattern;

/**
 * The short JSON summaries training and evaluation pods leave as their termination message.
 * Training: {@code {"sha256":"<hex>","rows":{"training":1600,"heldOut":400},"metrics":{...}}};
 * evaluation: {@code {"metric":"accuracy","candidate":0.91,"serving":0.84,"delta":0.07,
 * "passed":true,"reason":"..."}} (the content of blessing.json).
 */
public final class Summaries {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SHA256 = Pattern.compile("^[a-fA-F0-9]{64}$");

  private Summaries() {}

  /** What a training pod reports. */
  public record Training(String sha256, RowCounts rows) {}

  /** Reads a training summary; empty when it is not one (a log tail, say). */
  public static Optional<Training> training(String message) {
    JsonNode json = parse(message);
    if (json == null || !json.isObject()) {
      return Optional.empty();
    }
    String sha256 = json.path("sha256").asText(null);
    if (sha256 != null && !SHA256.matcher(sha256).matches()) {
      sha256 = null;
    }
    RowCounts rows = new RowCounts();
    JsonNode counts = json.path("rows");
    rows.setTraining(count(counts.path("training"), json.path("trainingRows")));
    rows.setHeldOut(count(counts.path("heldOut"), json.path("heldOutRows")));
    return Optional.of(new Training(sha256, rows));
  }

  /** The value of metric {@code name} in a training summary's {@code metrics}, when it has one. */
  public static OptionalDouble metric(String message, String name) {
    JsonNode value =
        Optional.ofNullable(parse(message))
            .map(json -> json.path("metrics").path(name))
            .orElse(null);
    return value != null && value.isNumber() && Double.isFinite(value.asDouble())
        ? OptionalDouble.of(value.asDouble())
        : OptionalDouble.empty();
  }

  /** Reads an evaluation summary; empty when it holds no verdict. */
  public static Optional<Blessing> blessing(String message) {
    JsonNode json = parse(message);
    if (json != null && json.has("blessing")) {
      json = json.get("blessing");
    }
    if (json == null || !json.isObject() || !json.path("passed").isBoolean()) {
      return Optional.empty();
    }
    Blessing blessing = new Blessing();
    blessing.setMetric(text(json.path("metric")));
    blessing.setCandidate(number(json.path("candidate")));
    blessing.setServing(number(json.path("serving")));
    blessing.setDelta(number(json.path("delta")));
    blessing.setPassed(json.path("passed").asBoolean());
    blessing.setReason(text(json.path("reason")));
    return Optional.of(blessing);
  }

  private static JsonNode parse(String message) {
    if (message == null || message.isBlank()) {
      return null;
    }
    try {
      return JSON.readTree(message.strip());
    } catch (IOException e) {
      return null;
    }
  }

  private static Long count(JsonNode first, JsonNode second) {
    JsonNode node = first.canConvertToLong() ? first : second;
    return node.canConvertToLong() && node.asLong() >= 0 ? node.asLong() : null;
  }

  private static Double number(JsonNode node) {
    return node.isNumber() ? node.asDouble() : null;
  }

  private static String text(JsonNode node) {
    if (!node.isTextual()) {
      return null;
    }
    String text = node.asText();
    return text.length() <= PodReport.MAX_MESSAGE ? text : PodReport.shortened(text);
  }
}
