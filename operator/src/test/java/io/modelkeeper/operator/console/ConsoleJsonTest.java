package io.modelkeeper.operator.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.modelkeeper.api.v1alpha1.AnalysisStatus;
import io.modelkeeper.api.v1alpha1.CanaryStatus;
import io.modelkeeper.api.v1alpha1.FeatureDrift;
import io.modelkeeper.api.v1alpha1.MetricsStatus;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelDeploymentSpec;
import io.modelkeeper.api.v1alpha1.ModelDeploymentStatus;
import io.modelkeeper.api.v1alpha1.ModelRetraining;
import io.modelkeeper.api.v1alpha1.MonitoringSpec;
import io.modelkeeper.api.v1alpha1.RetrainingRun;
import io.modelkeeper.api.v1alpha1.RetrainingRunStatus;
import io.modelkeeper.api.v1alpha1.RunPhase;
import io.modelkeeper.api.v1alpha1.SloSpec;
import io.modelkeeper.api.v1alpha1.TrialState;
import io.modelkeeper.api.v1alpha1.TrialStatus;
import io.modelkeeper.operator.testing.TestRetrainings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ConsoleJsonTest {

  @Test
  void theListIsSortedAndBounded() {
    Stream<ModelDeployment> many =
        IntStream.range(0, ConsoleJson.MAX_MODELS + 5).mapToObj(i -> model("m" + (10_000 - i)));
    JsonNode list = ConsoleJson.list(many);
    assertThat(list.path("items").size()).isEqualTo(ConsoleJson.MAX_MODELS);
    assertThat(list.path("truncated").asBoolean()).isTrue();
    assertThat(list.path("items").get(0).path("name").asText()).isEqualTo("m10000");
    assertThat(ConsoleJson.list(Stream.of(model("one"))).path("truncated").asBoolean()).isFalse();
  }

  @Test
  void runsOfItsRetrainingsOnly_newestFirst_withTrialCurvesInStepOrder() {
    ModelDeployment md = model("fraud");
    ModelRetraining mine = TestRetrainings.retraining("fraud-loop", "fraud", spec -> {});
    ModelRetraining other = TestRetrainings.retraining("other-loop", "other", spec -> {});
    RetrainingRun first = run("fraud-loop-1", "fraud-loop", "2026-12-01T10:00:00Z");
    RetrainingRun second = run("fraud-loop-2", "fraud-loop", "2026-12-01T11:00:00Z");
    RetrainingRun foreign = run("other-loop-1", "other-loop", "2026-12-01T12:00:00Z");
    Map<String, Double> curve = new HashMap<>();
    curve.put("10", 0.7);
    curve.put("2", 0.5);
    curve.put("not-a-step", 0.1);
    curve.put("5", Double.NaN);
    second.getStatus().setTrials(List.of(trial(0, curve), trial(1, Map.of())));

    JsonNode detail =
        ConsoleJson.detail(
            md, List.of(), Stream.of(mine, other), Stream.of(first, second, foreign));

    JsonNode runs = detail.path("runs");
    assertThat(runs)
        .extracting(r -> r.path("name").asText())
        .containsExactly("fraud-loop-2", "fraud-loop-1");
    JsonNode trial = runs.get(0).path("trials").get(0);
    assertThat(trial.path("curveSteps")).extracting(JsonNode::asLong).containsExactly(2L, 10L);
    assertThat(trial.path("curveValues")).extracting(JsonNode::asDouble).containsExactly(0.5, 0.7);
    assertThat(trial.path("parameters").path("learningRate").asText()).isEqualTo("0.1");
    assertThat(trial.path("state").asText()).isEqualTo("Succeeded");
    assertThat(runs.get(0).path("phase").asText()).isEqualTo("Training");
  }

  @Test
  void seriesColumnsAreAsLongAsTheTimes_withNullsForUnknownFigures() {
    ModelDeployment md = model("fraud");
    var history = new AnalysisHistory();
    history.record(AnalysisHistoryTest.md("fraud", "u"), AnalysisHistoryTest.serving(0, 0.01));
    history.record(
        AnalysisHistoryTest.md("fraud", "u"), AnalysisHistoryTest.canaryChecked(5, 20, 0.01, 0.03));
    JsonNode series =
        ConsoleJson.detail(md, history.points("ml", "fraud"), Stream.of(), Stream.of())
            .path("series");
    assertThat(series.path("at").size()).isEqualTo(2);
    assertThat(series.path("canaryErrorRate").get(0).isNull()).isTrue();
    assertThat(series.path("canaryErrorRate").get(1).asDouble()).isEqualTo(0.03);
    assertThat(series.path("weight")).extracting(JsonNode::asInt).containsExactly(0, 20);
    assertThat(series.path("drift").get(0).isNull()).as("no drift figure").isTrue();
  }

  @Test
  void driftPerFeatureSetsBothArmsSideBySideAndMarksWhatIsAboveMaxDrift() {
    ModelDeployment md = model("fraud");
    SloSpec slo = new SloSpec();
    slo.setMaxDrift(0.2);
    MonitoringSpec monitoring = new MonitoringSpec();
    monitoring.setSlo(slo);
    md.getSpec().setMonitoring(monitoring);
    ModelDeploymentStatus status = new ModelDeploymentStatus();
    status.setMetrics(drifted(new FeatureDrift("stale", 0.9)));
    AnalysisStatus analysis = new AnalysisStatus();
    analysis.setStable(drifted(new FeatureDrift("amount", 0.25), new FeatureDrift("age", 0.05)));
    analysis.setCanary(drifted(new FeatureDrift("hour", 0.3), new FeatureDrift("amount", 0.1)));
    CanaryStatus canary = new CanaryStatus();
    canary.setVersion("2");
    canary.setAnalysis(analysis);
    status.setCanary(canary);
    md.setStatus(status);

    JsonNode detail = ConsoleJson.detail(md, List.of(), Stream.of(), Stream.of());

    assertThat(detail.path("driftThreshold").asDouble()).isEqualTo(0.2);
    JsonNode rows = detail.path("drift");
    assertThat(rows)
        .as("the stable arm of the same check, not status.metrics of an earlier read")
        .extracting(r -> r.path("feature").asText())
        .containsExactly("amount", "age", "hour");
    assertThat(rows.get(0).path("stable").asDouble()).isEqualTo(0.25);
    assertThat(rows.get(0).path("canary").asDouble()).isEqualTo(0.1);
    assertThat(rows.get(0).path("stableAbove").asBoolean()).isTrue();
    assertThat(rows.get(0).path("canaryAbove").asBoolean()).isFalse();
    assertThat(rows.get(2).path("stable").isNull()).as("not listed for stable").isTrue();
    assertThat(rows.get(2).path("canaryAbove").asBoolean()).isTrue();

    md.getStatus().setCanary(null);
    md.getSpec().setMonitoring(null);
    JsonNode serving = ConsoleJson.detail(md, List.of(), Stream.of(), Stream.of());
    assertThat(serving.path("drift"))
        .extracting(r -> r.path("feature").asText())
        .containsExactly("stale");
    assertThat(serving.path("drift").get(0).path("stableAbove").asBoolean())
        .as("no threshold, nothing marked")
        .isFalse();
    assertThat(serving.path("driftThreshold").isNull()).isTrue();
  }

  private static MetricsStatus drifted(FeatureDrift... features) {
    MetricsStatus metrics = new MetricsStatus();
    metrics.setDriftedFeatures(List.of(features));
    return metrics;
  }

  @Test
  void longTextIsCut() {
    assertThat(ConsoleJson.text("x".repeat(10_000))).hasSize(ConsoleJson.MAX_TEXT);
  }

  private static TrialStatus trial(int index, Map<String, Double> curve) {
    TrialStatus trial = new TrialStatus();
    trial.setIndex(index);
    trial.setState(TrialState.Succeeded);
    trial.setParameters(Map.of("learningRate", "0.1"));
    trial.setCurve(curve);
    return trial;
  }

  private static RetrainingRun run(String name, String retraining, String created) {
    RetrainingRun run = TestRetrainings.run(name, retraining);
    run.getMetadata().setNamespace("ml");
    run.getMetadata().setCreationTimestamp(created);
    RetrainingRunStatus status = new RetrainingRunStatus();
    status.setPhase(RunPhase.Training);
    run.setStatus(status);
    return run;
  }

  private static ModelDeployment model(String name) {
    ModelDeployment md = new ModelDeployment();
    md.setMetadata(new ObjectMetaBuilder().withNamespace("ml").withName(name).build());
    md.setSpec(new ModelDeploymentSpec());
    return md;
  }
}
