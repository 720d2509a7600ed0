package io.modelkeeper.operator.console;

import static io.modelkeeper.operator.testing.TestModels.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelkeeper.api.v1alpha1.ModelRetraining;
import io.modelkeeper.api.v1alpha1.RetrainingRun;
import io.modelkeeper.api.v1alpha1.RolloutResult;
import io.modelkeeper.api.v1alpha1.RunTrigger;
import io.modelkeeper.operator.rollout.ManualControl;
import io.modelkeeper.operator.testing.CrdInMockServer;
import io.modelkeeper.operator.testing.FakeMetricsSource;
import io.modelkeeper.operator.testing.TestCluster;
import io.modelkeeper.operator.testing.TestModels;
import io.modelkeeper.operator.testing.TestRetrainings;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The console's pages and JSON on the operator's HTTP port, served from the operator's caches while
 * it runs a canary on the mock API server; actions only with the token.
 */
@QuarkusTest
@TestProfile(ConsoleOperatorTest.ConsoleWithToken.class)
@WithKubernetesTestServer(crud = true, setup = CrdInMockServer.class)
class ConsoleOperatorTest {

  // HTTP/1.1 as a browser or kubectl port-forward speaks to the operator: the JDK client's default
  // h2c upgrade misreads a large answer now and then ("Frame type(63) … exceeds MAX_FRAME_SIZE").
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static final Duration WAIT = Duration.ofSeconds(40);
  private static final String TOKEN = "console-test-token";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TestHTTPResource("/console/")
  URI console;

  @Inject KubernetesClient client;

  @Inject FakeMetricsSource metrics;

  /** The console on, with a token file. */
  public static final class ConsoleWithToken implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      try {
        Path token = Files.createTempFile("console-token", "");
        Files.writeString(token, TOKEN + "\n");
        token.toFile().deleteOnExit();
        return Map.of(
            "modelkeeper.console.enabled",
            "true",
            "modelkeeper.console.token-file",
            token.toString());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Test
  void pagesAndChartLibraryAreServed() throws Exception {
    HttpResponse<String> index = get("");
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> t.startsWith("text/html"));
    assertThat(index.headers().firstValue("Content-Security-Policy")).isPresent();
    assertThat(index.body()).contains("assets/console.js");
    assertThat(get("model").body()).contains("chart-errors").contains("assets/uPlot.iife.min.js");
    HttpResponse<String> uplot = get("assets/uPlot.iife.min.js");
    assertThat(uplot.statusCode()).isEqualTo(200);
    assertThat(uplot.body()).contains("uPlot");
    assertThat(get("assets/nothing.js").statusCode()).isEqualTo(404);
    assertThat(json("api/session").path("actions").asBoolean()).isTrue();
  }

  @Test
  void aCanaryShowsInTheListAndItsChecksInTheSeries() throws Exception {
    TestCluster cluster = new TestCluster(client);
    cluster
        .models()
        .resource(
            TestModels.model(
                "charted",
                "1",
                spec -> {
                  spec.getRollout().setSteps(List.of(step(25, "1h"), step(50, "1h")));
                  spec.getRollout().getAnalysis().setInterval("1s");
                  spec.getRollout().getAnalysis().setMinRequests(10);
                }))
        .create();
    await()
        .atMost(WAIT)
        .until(() -> cluster.deployment(TestModels.deploymentName("charted", "1")).get() != null);
    cluster.markReady(TestModels.deploymentName("charted", "1"), 1);
    metrics.set("charted", "1", FakeMetricsSource.serving(1000, 10, 0.05));
    metrics.set("charted", "2", FakeMetricsSource.serving(400, 4, 0.07));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(item("charted").path("serving").path("version").asText())
                    .isEqualTo("1"));

    cluster.editModel(
        "charted",
        md -> {
          md.getSpec().getModel().setVersion("2");
          md.getSpec().getModel().setUri("https://models.example.com/charted/2/model.onnx");
          return md;
        });
    await()
        .atMost(WAIT)
        .until(() -> cluster.deployment(TestModels.deploymentName("charted", "2")).get() != null);
    cluster.markReady(TestModels.deploymentName("charted", "2"), 1);

    JsonNode detail =
        await()
            .atMost(WAIT)
            .until(
                () -> json("api/modeldeployments/" + TestModels.NAMESPACE + "/charted"),
                d ->
                    last(d.path("series").path("weight")).asInt() > 0
                        && !last(d.path("series").path("canaryErrorRate")).isNull());
    JsonNode series = detail.path("series");
    int points = series.path("at").size();
    for (String column :
        List.of("weight", "stableErrorRate", "canaryP99", "stableAccuracy", "drift")) {
      assertThat(series.path(column).size()).as(column).isEqualTo(points);
    }
    assertThat(series.path("canaryErrorRate").get(points - 1).asDouble()).isEqualTo(0.01);
    assertThat(series.path("canaryP99").get(points - 1).asDouble()).isEqualTo(0.07);
    assertThat(series.path("stableP99").get(points - 1).asDouble()).isEqualTo(0.05);
    int weight = series.path("weight").get(points - 1).asInt();
    assertThat(weight).as("one canary pod beside one stable").isEqualTo(50);
    assertThat(detail.path("canary").path("version").asText()).isEqualTo("2");
    assertThat(detail.path("steps").asInt()).isEqualTo(2);
    // The list reads the informer's cache, which catches up with the status write a moment later.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(item("charted").path("canary").path("weight").asInt())
                    .isEqualTo(weight));
    assertThat(item("charted").path("phase").asText()).isNotBlank();

    assertThat(post("api/modeldeployments/ml/charted/actions/promote", null).statusCode())
        .as("no token")
        .isEqualTo(401);
    assertThat(post("api/modeldeployments/ml/charted/actions/promote", "wrong").statusCode())
        .isEqualTo(401);
    assertThat(post("api/modeldeployments/ml/nobody/actions/promote", TOKEN).statusCode())
        .isEqualTo(404);
    assertThat(post("api/modeldeployments/ml/charted/actions/dance", TOKEN).statusCode())
        .isEqualTo(400);
    HttpResponse<String> promoted = post("api/modeldeployments/ml/charted/actions/promote", TOKEN);
    assertThat(promoted.statusCode()).as(promoted.body()).isEqualTo(200);
    assertThat(cluster.model("charted").getMetadata().getAnnotations())
        .containsEntry(ManualControl.PROMOTE, ManualControl.PROMOTE_NOW);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(item("charted").path("serving").path("version").asText())
                    .isEqualTo("2"));
    assertThat(post("api/modeldeployments/ml/charted/actions/pause", TOKEN).statusCode())
        .isEqualTo(200);
    assertThat(cluster.model("charted").getSpec().getRollout().getPaused()).isTrue();
    assertThat(post("api/modeldeployments/ml/charted/actions/retrain", TOKEN).statusCode())
        .as("no ModelRetraining names it")
        .isEqualTo(409);
  }

  @Test
  void abortAnnotatesTheReasonAndTheOperatorRollsTheCanaryBack() throws Exception {
    TestCluster cluster = startCanary("aborted");

    HttpResponse<String> aborted =
        post("api/modeldeployments/ml/aborted/actions/abort?reason=too%20much%20drift", TOKEN);

    assertThat(aborted.statusCode()).as(aborted.body()).isEqualTo(200);
    assertThat(cluster.model("aborted").getMetadata().getAnnotations())
        .containsEntry(ManualControl.ABORT, "too much drift");
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              var status = cluster.model("aborted").getStatus();
              assertThat(status.getCanary()).isNull();
              assertThat(status.getHistory())
                  .last()
                  .satisfies(
                      h -> {
                        assertThat(h.getVersion()).isEqualTo("2");
                        assertThat(h.getResult()).isEqualTo(RolloutResult.RolledBack);
                        assertThat(h.getReason())
                            .contains(ManualControl.ABORT)
                            .contains("too much drift");
                      });
            });
  }

  @Test
  void resumeClearsPausedAndTheOperatorLetsTheCanaryGoOn() throws Exception {
    TestCluster cluster = startCanary("resumed");
    assertThat(post("api/modeldeployments/ml/resumed/actions/pause", TOKEN).statusCode())
        .isEqualTo(200);
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(cluster.model("resumed").getStatus().getCanary().getPaused()).isTrue());

    HttpResponse<String> resumed = post("api/modeldeployments/ml/resumed/actions/resume", TOKEN);

    assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
    assertThat(resumed.body()).contains("spec.rollout.paused=false").contains("GitOps");
    assertThat(cluster.model("resumed").getSpec().getRollout().getPaused()).isFalse();
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              var canary = cluster.model("resumed").getStatus().getCanary();
              assertThat(canary.getVersion()).isEqualTo("2");
              assertThat(canary.getPaused()).as("no longer held").isNull();
            });
  }

  @Test
  void retrainCreatesAManualRunOfTheRetrainingThatNamesTheModelAndTheOperatorStartsIt()
      throws Exception {
    TestCluster cluster = new TestCluster(client);
    cluster.models().resource(TestModels.model("relearn", "1")).create();
    client
        .resources(ModelRetraining.class)
        .inNamespace(TestModels.NAMESPACE)
        .resource(TestRetrainings.retraining("relearn-loop", "relearn", spec -> {}))
        .create();

    // The console reads ModelRetrainings from the operator's cache, which sees the new one soon.
    HttpResponse<String> created =
        await()
            .atMost(WAIT)
            .until(
                () -> post("api/modeldeployments/ml/relearn/actions/retrain?reason=drift", TOKEN),
                r -> r.statusCode() != 409);

    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String name =
        JSON.readTree(created.body())
            .path("message")
            .asText()
            .replace("created RetrainingRun ", "");
    RetrainingRun run =
        client
            .resources(RetrainingRun.class)
            .inNamespace(TestModels.NAMESPACE)
            .withName(name)
            .get();
    assertThat(run.getMetadata().getName()).startsWith("relearn-loop-console-");
    assertThat(run.getSpec().getRetrainingRef().getName()).isEqualTo("relearn-loop");
    assertThat(run.getSpec().getTrigger()).isEqualTo(RunTrigger.Manual);
    assertThat(run.getSpec().getReason()).isEqualTo("drift");
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .batch()
                            .v1()
                            .jobs()
                            .inNamespace(TestModels.NAMESPACE)
                            .withName(name + "-train")
                            .get())
                    .as("the operator starts the run's training Job")
                    .isNotNull());
  }

  /** A ModelDeployment whose version 2 runs as a canary beside version 1, both ready. */
  private TestCluster startCanary(String name) {
    TestCluster cluster = new TestCluster(client);
    cluster
        .models()
        .resource(
            TestModels.model(
                name,
                "1",
                spec -> {
                  spec.getRollout().setSteps(List.of(step(25, "1h"), step(50, "1h")));
                  spec.getRollout().getAnalysis().setInterval("1s");
                  spec.getRollout().getAnalysis().setMinRequests(10);
                }))
        .create();
    await()
        .atMost(WAIT)
        .until(() -> cluster.deployment(TestModels.deploymentName(name, "1")).get() != null);
    cluster.markReady(TestModels.deploymentName(name, "1"), 1);
    metrics.set(name, "1", FakeMetricsSource.serving(1000, 10, 0.05));
    metrics.set(name, "2", FakeMetricsSource.serving(400, 4, 0.07));
    // Version 1 must serve first: a new version of a model that serves nothing yet replaces it.
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(cluster.model(name).getStatus().getStable().getVersion())
                    .isEqualTo("1"));
    cluster.editModel(
        name,
        md -> {
          md.getSpec().getModel().setVersion("2");
          md.getSpec().getModel().setUri("https://models.example.com/" + name + "/2/model.onnx");
          return md;
        });
    await()
        .atMost(WAIT)
        .until(() -> cluster.deployment(TestModels.deploymentName(name, "2")).get() != null);
    cluster.markReady(TestModels.deploymentName(name, "2"), 1);
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              var canary = cluster.model(name).getStatus().getCanary();
              assertThat(canary.getVersion()).isEqualTo("2");
              assertThat(canary.getAnalysis().getCheckedAt()).isNotNull();
            });
    return cluster;
  }

  @Test
  void anUnknownModelDeploymentIsA404WithAMessage() throws Exception {
    HttpResponse<String> response = get("api/modeldeployments/ml/absent");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(response.body()).path("error").asText()).contains("ml/absent");
  }

  private static JsonNode last(JsonNode column) {
    return column.size() == 0 ? JSON.nullNode() : column.get(column.size() - 1);
  }

  private JsonNode item(String name) throws Exception {
    for (JsonNode item : json("api/modeldeployments").path("items")) {
      if (name.equals(item.path("name").asText())) {
        return item;
      }
    }
    return JSON.createObjectNode();
  }

  private JsonNode json(String path) throws Exception {
    HttpResponse<String> response = get(path);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    return JSON.readTree(response.body());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(console.resolve(path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(console.resolve(path)).POST(HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
