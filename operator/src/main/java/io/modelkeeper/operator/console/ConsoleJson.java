package io.modelkeeper.operator.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Condition;
import io.modelkeeper.api.v1alpha1.CanaryStatus;
import io.modelkeeper.api.v1alpha1.FeatureImportance;
import io.modelkeeper.api.v1alpha1.HistoryEntry;
import io.modelkeeper.api.v1alpha1.ImportanceChange;
import io.modelkeeper.api.v1alpha1.MetricsStatus;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelDeploymentStatus;
import io.modelkeeper.api.v1alpha1.ModelRetraining;
import io.modelkeeper.api.v1alpha1.RetrainingRun;
import io.modelkeeper.api.v1alpha1.RetrainingRunStatus;
import io.modelkeeper.api.v1alpha1.TrialStatus;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The console's JSON, built from cached objects and the analysis history: what the pages plot and
 * list. Every list has a bound, so a response's size does not grow with what tenants write.
 */
final class ConsoleJson {

  static final int MAX_MODELS = 500;
  static final int MAX_RUNS = 10;
  static final int MAX_TRIALS = 100;
  static final int MAX_CURVE_POINTS = 200;
  static final int MAX_ENTRIES = 32;
  static final int MAX_TEXT = 256;

  private static final ObjectMapper JSON = new ObjectMapper();

  private ConsoleJson() {}

  /** The ModelDeployments, by namespace and name, with their phase and figures. */
  static ObjectNode list(Stream<ModelDeployment> models) {
    List<ModelDeployment> sorted =
        models
            .sorted(
                Comparator.comparing((ModelDeployment md) -> md.getMetadata().getNamespace())
                    .thenComparing(md -> md.getMetadata().getName()))
            .limit(MAX_MODELS + 1L)
            .toList();
    ObjectNode body = JSON.createObjectNode();
    ArrayNode items = body.putArray("items");
    sorted.stream().limit(MAX_MODELS).forEach(md -> items.add(summary(md)));
    body.put("truncated", sorted.size() > MAX_MODELS);
    return body;
  }

  /** One ModelDeployment: summary, its checks over time, features, rollouts and retraining runs. */
  static ObjectNode detail(
      ModelDeployment md,
      List<AnalysisHistory.Point> points,
      Stream<ModelRetraining> retrainings,
      Stream<RetrainingRun> runs) {
    ObjectNode body = summary(md);
    ModelDeploymentStatus status = md.getStatus();
    body.set("series", series(points));
    ArrayNode conditions = body.putArray("conditions");
    ArrayNode features = body.putArray("features");
    ArrayNode changes = body.putArray("importanceChanges");
    ArrayNode rollouts = body.putArray("rollouts");
    if (status != null) {
      last(status.getConditions()).forEach(c -> conditions.add(condition(c)));
      if (status.getMetrics() != null) {
        last(status.getMetrics().getTopFeatures()).forEach(f -> features.add(feature(f)));
      }
      CanaryStatus canary = status.getCanary();
      if (canary != null && canary.getAnalysis() != null) {
        last(canary.getAnalysis().getImportanceChanges()).forEach(c -> changes.add(change(c)));
      }
      last(status.getHistory()).forEach(h -> rollouts.add(rollout(h)));
    }
    Double threshold = DriftTable.threshold(md);
    putNumber(body, "driftThreshold", threshold);
    body.set("drift", DriftTable.rows(status, threshold));
    Set<String> retrainingNames =
        retrainings
            .filter(
                r ->
                    r.getSpec() != null
                        && r.getSpec().getModelDeploymentRef() != null
                        && md.getMetadata()
                            .getName()
                            .equals(r.getSpec().getModelDeploymentRef().getName()))
            .map(r -> r.getMetadata().getName())
            .collect(Collectors.toSet());
    ArrayNode runNodes = body.putArray("runs");
    runs.filter(
            run ->
                run.getSpec() != null
                    && run.getSpec().getRetrainingRef() != null
                    && retrainingNames.contains(run.getSpec().getRetrainingRef().getName()))
        .sorted(
            Comparator.comparing(
                    (RetrainingRun run) -> String.valueOf(run.getMetadata().getCreationTimestamp()))
                .thenComparing(run -> run.getMetadata().getName())
                .reversed())
        .limit(MAX_RUNS)
        .forEach(run -> runNodes.add(run(run)));
    return body;
  }

  private static ObjectNode summary(ModelDeployment md) {
    ObjectNode node = JSON.createObjectNode();
    node.put("namespace", md.getMetadata().getNamespace());
    node.put("name", md.getMetadata().getName());
    ModelDeploymentStatus status = md.getStatus();
    if (md.getSpec() != null && md.getSpec().getRollout() != null) {
      node.put("steps", md.getSpec().getRollout().getSteps().size());
      node.put("paused", Boolean.TRUE.equals(md.getSpec().getRollout().getPaused()));
    }
    if (status == null) {
      return node;
    }
    node.put("phase", status.getPhase() == null ? null : status.getPhase().name());
    if (status.getStable() != null) {
      ObjectNode serving = node.putObject("serving");
      serving.put("version", text(status.getStable().getVersion()));
      putNumber(serving, "replicas", status.getStable().getReplicas());
      putNumber(serving, "readyReplicas", status.getStable().getReadyReplicas());
    }
    CanaryStatus canary = status.getCanary();
    if (canary != null) {
      ObjectNode c = node.putObject("canary");
      c.put("version", text(canary.getVersion()));
      putNumber(c, "step", canary.getStep());
      putNumber(c, "weight", canary.getWeight());
      if (canary.getAnalysis() != null) {
        c.put("decision", text(canary.getAnalysis().getDecision()));
        c.put("reason", text(canary.getAnalysis().getReason()));
        c.put("checkedAt", text(canary.getAnalysis().getCheckedAt()));
        putNumber(c, "failedChecks", canary.getAnalysis().getFailedChecks());
      }
    }
    MetricsStatus metrics = status.getMetrics();
    if (metrics != null) {
      ObjectNode m = node.putObject("metrics");
      putNumber(m, "requests", metrics.getRequests());
      putNumber(m, "errorRate", metrics.getErrorRate());
      putNumber(m, "latencyP99Seconds", metrics.getLatencyP99Seconds());
      putNumber(m, "accuracy", metrics.getAccuracy());
      putNumber(m, "drift", metrics.getDrift());
      m.put("observedAt", text(metrics.getObservedAt()));
    }
    return node;
  }

  /**
   * Columns for the charts: one array per figure, all as long as {@code at}, null where unknown.
   */
  private static ObjectNode series(List<AnalysisHistory.Point> points) {
    ObjectNode series = JSON.createObjectNode();
    ArrayNode at = series.putArray("at");
    ArrayNode weight = series.putArray("weight");
    ArrayNode decision = series.putArray("decision");
    points.forEach(
        p -> {
          at.add(p.atMillis() / 1000.0);
          weight.add(p.weight());
          decision.add(p.decision());
        });
    column(
        series, "stableErrorRate", points, p -> figure(p.stable(), AnalysisHistory.Arm::errorRate));
    column(
        series, "canaryErrorRate", points, p -> figure(p.canary(), AnalysisHistory.Arm::errorRate));
    column(series, "stableP99", points, p -> figure(p.stable(), AnalysisHistory.Arm::p99Seconds));
    column(series, "canaryP99", points, p -> figure(p.canary(), AnalysisHistory.Arm::p99Seconds));
    column(
        series, "stableAccuracy", points, p -> figure(p.stable(), AnalysisHistory.Arm::accuracy));
    column(
        series, "canaryAccuracy", points, p -> figure(p.canary(), AnalysisHistory.Arm::accuracy));
    column(series, "drift", points, AnalysisHistory.Point::drift);
    return series;
  }

  private static double figure(
      AnalysisHistory.Arm arm, ToDoubleFunction<AnalysisHistory.Arm> figure) {
    return arm == null ? Double.NaN : figure.applyAsDouble(arm);
  }

  private static void column(
      ObjectNode series,
      String name,
      List<AnalysisHistory.Point> points,
      ToDoubleFunction<AnalysisHistory.Point> value) {
    ArrayNode column = series.putArray(name);
    for (AnalysisHistory.Point point : points) {
      double v = value.applyAsDouble(point);
      if (Double.isFinite(v)) {
        column.add(v);
      } else {
        column.addNull();
      }
    }
  }

  private static ObjectNode run(RetrainingRun run) {
    ObjectNode node = JSON.createObjectNode();
    node.put("name", run.getMetadata().getName());
    node.put("created", run.getMetadata().getCreationTimestamp());
    RetrainingRunStatus status = run.getStatus();
    if (status == null) {
      return node;
    }
    putNumber(node, "number", status.getNumber());
    node.put("phase", status.getPhase() == null ? null : status.getPhase().name());
    node.put("trigger", status.getTrigger() == null ? null : status.getTrigger().name());
    node.put("reason", text(status.getReason()));
    node.put("version", text(status.getVersion()));
    node.put("trialProgress", text(status.getTrialProgress()));
    node.put("message", text(status.getMessage()));
    if (status.getBest() != null) {
      ObjectNode best = node.putObject("best");
      putNumber(best, "trial", status.getBest().getTrial());
      putNumber(best, "objective", status.getBest().getObjective());
    }
    if (status.getBlessing() != null) {
      ObjectNode blessing = node.putObject("blessing");
      blessing.put("metric", text(status.getBlessing().getMetric()));
      putNumber(blessing, "candidate", status.getBlessing().getCandidate());
      putNumber(blessing, "serving", status.getBlessing().getServing());
      blessing.put("passed", status.getBlessing().getPassed());
      blessing.put("reason", text(status.getBlessing().getReason()));
    }
    ObjectNode metrics = node.putObject("metrics");
    entries(status.getMetrics()).forEach(e -> putNumber(metrics, text(e.getKey()), e.getValue()));
    ArrayNode trials = node.putArray("trials");
    if (status.getTrials() != null) {
      status.getTrials().stream().limit(MAX_TRIALS).forEach(t -> trials.add(trial(t)));
    }
    return node;
  }

  private static ObjectNode trial(TrialStatus trial) {
    ObjectNode node = JSON.createObjectNode();
    putNumber(node, "index", trial.getIndex());
    node.put("state", trial.getState() == null ? null : trial.getState().name());
    putNumber(node, "objective", trial.getObjective());
    putNumber(node, "step", trial.getStep());
    node.put("message", text(trial.getMessage()));
    ObjectNode parameters = node.putObject("parameters");
    entries(trial.getParameters())
        .forEach(e -> parameters.put(text(e.getKey()), text(e.getValue())));
    // The curve's keys are training steps; the chart wants them in step order.
    ArrayNode steps = node.putArray("curveSteps");
    ArrayNode values = node.putArray("curveValues");
    if (trial.getCurve() != null) {
      trial.getCurve().entrySet().stream()
          .filter(e -> e.getValue() != null && Double.isFinite(e.getValue()))
          .map(e -> Map.entry(step(e.getKey()), e.getValue()))
          .filter(e -> e.getKey() >= 0)
          .sorted(Map.Entry.comparingByKey())
          .limit(MAX_CURVE_POINTS)
          .forEach(
              e -> {
                steps.add(e.getKey());
                values.add(e.getValue());
              });
    }
    return node;
  }

  private static long step(String key) {
    try {
      return Long.parseLong(key.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static ObjectNode condition(Condition condition) {
    ObjectNode node = JSON.createObjectNode();
    node.put("type", text(condition.getType()));
    node.put("status", text(condition.getStatus()));
    node.put("reason", text(condition.getReason()));
    node.put("message", text(condition.getMessage()));
    return node;
  }

  private static ObjectNode feature(FeatureImportance feature) {
    ObjectNode node = JSON.createObjectNode();
    node.put("feature", text(feature.getFeature()));
    putNumber(node, "importance", feature.getImportance());
    return node;
  }

  private static ObjectNode change(ImportanceChange change) {
    ObjectNode node = JSON.createObjectNode();
    node.put("feature", text(change.getFeature()));
    putNumber(node, "stable", change.getStable());
    putNumber(node, "canary", change.getCanary());
    return node;
  }

  private static ObjectNode rollout(HistoryEntry entry) {
    ObjectNode node = JSON.createObjectNode();
    node.put("version", text(entry.getVersion()));
    node.put("result", entry.getResult() == null ? null : entry.getResult().name());
    node.put("at", text(entry.getAt()));
    node.put("reason", text(entry.getReason()));
    return node;
  }

  /**
   * The last {@link #MAX_ENTRIES} of a list, the most recent ones where a list grows at its end.
   */
  private static <T> List<T> last(List<T> list) {
    if (list == null) {
      return List.of();
    }
    return list.subList(Math.max(0, list.size() - MAX_ENTRIES), list.size());
  }

  private static <V> Stream<Map.Entry<String, V>> entries(Map<String, V> map) {
    return map == null
        ? Stream.empty()
        : map.entrySet().stream().sorted(Map.Entry.comparingByKey()).limit(MAX_ENTRIES);
  }

  static void putNumber(ObjectNode node, String field, Number value) {
    if (value == null || (value instanceof Double d && !Double.isFinite(d))) {
      node.putNull(field);
    } else if (value instanceof Double d) {
      node.put(field, d);
    } else {
      node.put(field, value.longValue());
    }
  }

  static String text(String value) {
    return value == null || value.length() <= MAX_TEXT ? value : value.substring(0, MAX_TEXT);
  }
}
