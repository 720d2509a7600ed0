package io.modelkeeper.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The canary's gates at its last check: each gate's figures for both versions, its limit from
 * spec.rollout.analysis, and its verdict as the operator's reason gives it (a gate it names in a
 * failed check is ✖, in an inconclusive one ◌, otherwise ✔; no figures yet is ·).
 */
final class GateTable {

  /** One gate's line. */
  record Gate(String name, String stable, String canary, String limit, String verdict) {}

  private GateTable() {}

  static List<Gate> of(JsonNode spec, JsonNode canaryStatus) {
    JsonNode analysisSpec = spec.path("rollout").path("analysis");
    JsonNode analysis = canaryStatus.path("analysis");
    JsonNode stable = analysis.path("stable");
    JsonNode canary = analysis.path("canary");
    String reason = analysis.path("reason").asText("").toLowerCase(Locale.ROOT);
    String decision = analysis.path("decision").asText("");
    boolean failing = decision.equals("RollBack") || reason.startsWith("failed check");
    boolean inconclusive = reason.contains("not conclusive");
    List<Gate> gates = new ArrayList<>();

    boolean counted =
        canary.path("requests").asLong(0) > 0 && stable.path("requests").asLong(0) > 0;
    gates.add(
        new Gate(
            "error rate vs stable",
            rate(stable),
            rate(canary),
            "at "
                + (analysisSpec.has("confidence")
                    ? Figures.percent(analysisSpec.path("confidence"))
                    : "95.00%")
                + " confidence",
            verdict(counted, failing, inconclusive, reason, "higher than stable's")));
    if (analysisSpec.has("maxErrorRate")) {
      gates.add(
          new Gate(
              "error rate",
              Figures.NONE,
              rate(canary),
              "≤ " + Figures.percent(analysisSpec.path("maxErrorRate")),
              verdict(counted, failing, inconclusive, reason, "above maxerrorrate")));
    }
    boolean latency = Figures.number(canary.path("latencyP99Seconds"));
    if (analysisSpec.has("maxLatencyP99")) {
      String max = analysisSpec.path("maxLatencyP99").asText();
      gates.add(
          new Gate(
              "p99 latency",
              Figures.millis(stable.path("latencyP99Seconds")),
              Figures.millis(canary.path("latencyP99Seconds")),
              "≤ " + max,
              verdict(latency, failing, inconclusive, reason, "above maxlatencyp99")));
    }
    if (analysisSpec.has("maxLatencyRatio")) {
      gates.add(
          new Gate(
              "p99 latency ratio",
              Figures.millis(stable.path("latencyP99Seconds")),
              Figures.millis(canary.path("latencyP99Seconds")),
              "≤ " + analysisSpec.path("maxLatencyRatio").asText() + "× stable",
              verdict(latency, failing, inconclusive, reason, "maxlatencyratio")));
    }
    if (analysisSpec.has("maxAccuracyDrop")) {
      boolean labelled = Figures.number(canary.path("accuracy"));
      gates.add(
          new Gate(
              "accuracy vs stable",
              accuracy(stable),
              accuracy(canary),
              "drop ≤ " + Figures.percent(analysisSpec.path("maxAccuracyDrop")),
              verdict(labelled, failing, inconclusive, reason, "below stable's")));
    }
    String pods =
        canaryStatus.path("readyReplicas").asInt(0)
            + "/"
            + canaryStatus.path("replicas").asInt(0)
            + " ready";
    gates.add(
        new Gate(
            "canary pods",
            Figures.NONE,
            pods,
            "serving",
            podsVerdict(canaryStatus, failing && reason.contains("pods are not serving"))));
    return gates;
  }

  private static String verdict(
      boolean measured, boolean failing, boolean inconclusive, String reason, String key) {
    if (failing && reason.contains(key)) {
      return Style.FAILED;
    }
    if (inconclusive && reason.contains(key)) {
      return Style.PROGRESSING;
    }
    return measured ? Style.OK : Style.NO_DATA;
  }

  /** ✖ when a check failed on them, ◌ while not all are ready (nothing failed), else ✔. */
  private static String podsVerdict(JsonNode canaryStatus, boolean failed) {
    if (failed) {
      return Style.FAILED;
    }
    return canaryStatus.path("readyReplicas").asInt(0) < canaryStatus.path("replicas").asInt(0)
        ? Style.PROGRESSING
        : Style.OK;
  }

  private static String rate(JsonNode arm) {
    if (arm.path("requests").asLong(0) <= 0) {
      return Figures.NONE;
    }
    return Figures.percent(arm.path("errorRate"))
        + " ("
        + arm.path("errors").asLong(0)
        + "/"
        + arm.path("requests").asLong()
        + ")";
  }

  private static String accuracy(JsonNode arm) {
    if (!Figures.number(arm.path("accuracy"))) {
      return Figures.NONE;
    }
    return Figures.percent(arm.path("accuracy"))
        + " ("
        + arm.path("labelled").asLong(0)
        + " labelled)";
  }
}
