package io.modelkeeper.e2e.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelkeeper.e2e.traffic.InferenceClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Demo traffic for the fraud example: synthetic transactions drawn the way the sample model's
 * training data was (eight Gaussian features, a label from a known logistic rule), sent to the
 * ready pods in turn as a Service would, then the true labels posted back as feedback to the pod
 * that answered each request.
 */
final class TrafficRun {

  /** The rule behind the sample model's training data (model-server SampleModels). */
  private static final double[] TRUE_COEFFICIENTS = {1.5, -2.0, 0.8, 0.0, 0.5, -1.0, 0.0, 0.3};

  private static final double TRUE_INTERCEPT = -0.2;

  /** What one run did, for the timeline. */
  record Outcome(
      int sent,
      int ok,
      double p50Millis,
      double p99Millis,
      double accuracy,
      Map<String, Integer> perPod,
      List<String> failures) {}

  /** The class the world's rule gives each row: 1 where its logit is above 0. */
  static int[] trueClasses(float[][] rows) {
    int[] classes = new int[rows.length];
    for (int r = 0; r < rows.length; r++) {
      double logit = TRUE_INTERCEPT;
      for (int f = 0; f < TRUE_COEFFICIENTS.length; f++) {
        logit += TRUE_COEFFICIENTS[f] * rows[r][f];
      }
      classes[r] = logit > 0 ? 1 : 0;
    }
    return classes;
  }

  private final InferenceClient client = new InferenceClient();
  private final Random random;
  private final Map<String, List<Map<String, Object>>> labelsByPod = new LinkedHashMap<>();

  TrafficRun(long seed) {
    this.random = new Random(seed);
  }

  Outcome send(String model, List<String> podAddresses, int requests, String idPrefix) {
    double[] latencies = new double[requests];
    int ok = 0;
    int correct = 0;
    Map<String, Integer> perPod = new LinkedHashMap<>();
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      float[] row = new float[TRUE_COEFFICIENTS.length];
      double logit = TRUE_INTERCEPT;
      for (int f = 0; f < row.length; f++) {
        row[f] = (float) random.nextGaussian();
        logit += TRUE_COEFFICIENTS[f] * row[f];
      }
      int label = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
      String pod = podAddresses.get(i % podAddresses.size());
      String id = idPrefix + "-" + i;
      long begin = System.nanoTime();
      InferenceClient.Reply reply =
          client.infer("http://" + pod + ":8080", model, "input", id, new float[][] {row});
      latencies[i] = (System.nanoTime() - begin) / 1e6;
      if (reply.ok()) {
        ok++;
        perPod.merge(pod, 1, Integer::sum);
        int predicted = InferenceClient.firstOutput(reply)[0] > 0.5f ? 1 : 0;
        correct += predicted == label ? 1 : 0;
        labelsByPod
            .computeIfAbsent(pod, p -> new ArrayList<>())
            .add(Map.of("id", id, "label", label));
      } else if (failures.size() < 3) {
        failures.add(pod + ": HTTP " + reply.status() + " " + reply.text());
      }
    }
    Arrays.sort(latencies);
    return new Outcome(
        requests,
        ok,
        percentile(latencies, 0.50),
        percentile(latencies, 0.99),
        ok == 0 ? 0 : (double) correct / ok,
        perPod,
        failures);
  }

  /**
   * Posts the labels of the requests sent so far; returns one line per pod saying what it answered.
   */
  List<String> sendFeedback(String model) {
    List<String> lines = new ArrayList<>();
    for (var entry : labelsByPod.entrySet()) {
      InferenceClient.Reply reply =
          client.feedback("http://" + entry.getKey() + ":8080", model, entry.getValue());
      if (reply.status() == 404 && (reply.body() == null || !reply.body().has("results"))) {
        lines.add(entry.getKey() + ": this model-server build has no feedback endpoint (HTTP 404)");
      } else if (reply.body() != null && reply.body().has("accepted")) {
        lines.add(
            entry.getKey()
                + ": "
                + reply.body().path("accepted").asInt()
                + " labels accepted, "
                + reply.body().path("rejected").asInt()
                + " rejected (HTTP "
                + reply.status()
                + ")");
      } else {
        lines.add(entry.getKey() + ": HTTP " + reply.status() + " " + reply.text());
      }
    }
    labelsByPod.clear();
    return lines;
  }

  /**
   * Each pod's own quality figures, from {@code GET /v2/models/<model>/quality}, when it has them.
   */
  List<String> quality(String model, List<String> podAddresses) {
    List<String> lines = new ArrayList<>();
    for (String pod : podAddresses) {
      InferenceClient.Reply reply =
          client.get("http://" + pod + ":8080/v2/models/" + model + "/quality");
      if (!reply.ok() || reply.body() == null) {
        lines.add(pod + ": no quality figures (HTTP " + reply.status() + ")");
        continue;
      }
      JsonNode metrics = reply.body().path("metrics");
      Map<String, String> shown = new HashMap<>();
      for (String name : List.of("accuracy", "f1", "auc_roc")) {
        if (metrics.has(name) && metrics.get(name).isNumber()) {
          shown.put(name, String.format("%.3f", metrics.get(name).asDouble()));
        }
      }
      lines.add(
          pod
              + ": window "
              + reply.body().path("window").path("size").asInt()
              + " labelled, "
              + (shown.isEmpty()
                  ? "no figures yet"
                  : "accuracy "
                      + shown.getOrDefault("accuracy", "-")
                      + ", f1 "
                      + shown.getOrDefault("f1", "-")
                      + ", auc "
                      + shown.getOrDefault("auc_roc", "-")));
    }
    return lines;
  }

  private static double percentile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
  }
}
