package io.modelkeeper.operator.controller;

import static io.modelkeeper.operator.testing.TestModels.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelkeeper.api.v1alpha1.Conditions;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.RolloutResult;
import io.modelkeeper.operator.rollout.ManualControl;
import io.modelkeeper.operator.testing.CrdInMockServer;
import io.modelkeeper.operator.testing.FakeMetricsSource;
import io.modelkeeper.operator.testing.TestCluster;
import io.modelkeeper.operator.testing.TestModels;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * Promote, abort, pause and resume act as soon as the annotation or spec.rollout.paused changes,
 * with an analysis interval (10 minutes) and a reconcile interval (60 seconds) far longer than the
 * waits here: only the change's own event can make them happen in time.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = CrdInMockServer.class)
class ManualControlOperatorTest {

  private static final Duration WAIT = Duration.ofSeconds(40);

  /** Two seconds is the promise; the margin is for a loaded test machine, still far below 60s. */
  private static final Duration AT_ONCE = Duration.ofSeconds(5);

  @Inject KubernetesClient client;

  @Inject FakeMetricsSource metrics;

  @Test
  void promoteActsAtOnceAndTheTableShowsStepAndDecision() {
    startCanary("prompt");
    ModelDeployment running = cluster().model("prompt");
    assertThat(running.getStatus().getCanary().getStepDisplay()).isEqualTo("1/2");
    assertThat(running.getStatus().getLastDecision()).isEqualTo("waiting: canary pods not ready");

    long took =
        timed(() -> annotate("prompt", ManualControl.PROMOTE, "now"), "prompt", this::promoting);
    System.out.printf("promote acted %d ms after the annotation%n", took);
    assertThat(cluster().model("prompt").getStatus().getLastDecision()).isEqualTo("promoting");
  }

  @Test
  void abortActsAtOnce() {
    startCanary("halt");
    long took =
        timed(
            () -> annotate("halt", ManualControl.ABORT, "wrong model"),
            "halt",
            md ->
                md.getStatus().getCanary() == null
                    && md.getStatus().getHistory().stream()
                        .anyMatch(h -> h.getResult() == RolloutResult.RolledBack));
    System.out.printf("abort acted %d ms after the annotation%n", took);
    ModelDeployment md = cluster().model("halt");
    assertThat(md.getStatus().getLastDecision()).isEqualTo("rolled back 2: aborted");
    assertThat(cluster().condition("halt", Conditions.PROGRESSING).getReason())
        .isEqualTo(Conditions.REASON_ROLLED_BACK);
  }

  @Test
  void pauseAndResumeAreReportedAtOnceWithoutACheck() {
    startCanary("hold");
    String checkedAt = cluster().model("hold").getStatus().getCanary().getAnalysis().getCheckedAt();

    long paused =
        timed(
            () -> setPaused("hold", true),
            "hold",
            md -> Boolean.TRUE.equals(md.getStatus().getCanary().getPaused()));
    ModelDeployment md = cluster().model("hold");
    assertThat(md.getStatus().getLastDecision()).isEqualTo("paused at step 1/2");
    assertThat(md.getStatus().getCanary().getAnalysis().getCheckedAt())
        .as("no extra check: the next one stays an interval after the last")
        .isEqualTo(checkedAt);

    long resumed =
        timed(
            () -> setPaused("hold", false),
            "hold",
            m -> m.getStatus().getCanary().getPaused() == null);
    System.out.printf("pause shown after %d ms, resume after %d ms%n", paused, resumed);
    md = cluster().model("hold");
    assertThat(md.getStatus().getLastDecision()).isEqualTo("resumed at step 1/2");
    assertThat(md.getStatus().getCanary().getAnalysis().getReason()).contains("the check due at");
  }

  private boolean promoting(ModelDeployment md) {
    return md.getStatus().getCanary() != null
        && "Promote".equals(md.getStatus().getCanary().getAnalysis().getDecision());
  }

  /** Milliseconds from the change until the model satisfies {@code done}, at most AT_ONCE. */
  private long timed(
      Runnable change, String name, java.util.function.Predicate<ModelDeployment> done) {
    long start = System.nanoTime();
    change.run();
    await()
        .atMost(AT_ONCE)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> cluster().model(name), done::test);
    return (System.nanoTime() - start) / 1_000_000;
  }

  private void startCanary(String name) {
    cluster()
        .models()
        .resource(
            TestModels.model(
                name,
                "1",
                spec -> {
                  spec.getServing().setReplicas(2);
                  spec.getRollout().setSteps(List.of(step(25, "30m"), step(50, "30m")));
                  spec.getRollout().getAnalysis().setInterval("10m");
                  spec.getRollout().getAnalysis().setMinRequests(100);
                }))
        .create();
    await()
        .atMost(WAIT)
        .until(
            () -> cluster().deployment(TestModels.deploymentName(name, "1")).get(), d -> d != null);
    cluster().markReady(TestModels.deploymentName(name, "1"), 2);
    await()
        .atMost(WAIT)
        .until(() -> "True".equals(cluster().condition(name, Conditions.READY).getStatus()));
    metrics.set(name, "1", FakeMetricsSource.serving(10, 0, 0.05));
    metrics.set(name, "2", FakeMetricsSource.serving(10, 0, 0.05));
    cluster()
        .editModel(
            name,
            md -> {
              md.getSpec().getModel().setVersion("2");
              md.getSpec()
                  .getModel()
                  .setUri("https://models.example.com/" + name + "/2/model.onnx");
              return md;
            });
    await()
        .atMost(WAIT)
        .until(
            () -> cluster().model(name),
            md ->
                md.getStatus().getCanary() != null
                    && md.getStatus().getCanary().getAnalysis().getCheckedAt() != null);
  }

  private void annotate(String name, String key, String value) {
    cluster()
        .editModel(
            name,
            md -> {
              Map<String, String> annotations =
                  new HashMap<>(
                      Objects.requireNonNullElse(md.getMetadata().getAnnotations(), Map.of()));
              annotations.put(key, value);
              md.getMetadata().setAnnotations(annotations);
              return md;
            });
  }

  private void setPaused(String name, boolean paused) {
    cluster()
        .editModel(
            name,
            md -> {
              md.getSpec().getRollout().setPaused(paused);
              return md;
            });
  }

  private TestCluster cluster() {
    return new TestCluster(client);
  }
}
