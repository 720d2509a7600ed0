package io.modelkeeper.operator.controller;

import static io.modelkeeper.operator.testing.TestModels.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelkeeper.api.v1alpha1.Conditions;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.RolloutResult;
import io.modelkeeper.operator.testing.CrdInMockServer;
import io.modelkeeper.operator.testing.FakeMetricsSource;
import io.modelkeeper.operator.testing.TestCluster;
import io.modelkeeper.operator.testing.TestModels;
import io.modelkeeper.operator.workload.ModelServerDeployment;
import io.modelkeeper.operator.workload.ModelVersion;
import io.modelkeeper.operator.workload.WorkloadNames;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Model uris with credentials in them (userinfo, a presigned URL's signature) through a whole
 * canary, a promotion and a rollback: status, Events and the operator's log never hold the secret
 * parts, while the Deployments still fetch the uri as written.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = CrdInMockServer.class)
class CredentialsOperatorTest {

  private static final Duration WAIT = Duration.ofSeconds(40);
  private static final List<String> SECRETS =
      List.of("alice", "s3cr3tpass", "AKIDSECRET", "f00dfeedsignature", "X-Amz-Signature");

  @Inject KubernetesClient client;

  @Inject FakeMetricsSource metrics;

  private final ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          log.add(record.getMessage() + " " + java.util.Arrays.toString(record.getParameters()));
          if (record.getThrown() != null) {
            log.add(String.valueOf(record.getThrown()));
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void captureLog() {
    capture.setLevel(Level.ALL);
    Logger.getLogger("").addHandler(capture);
  }

  @AfterEach
  void stopCapture() {
    Logger.getLogger("").removeHandler(capture);
  }

  @Test
  void credentialsInModelUrisAppearInNoStatusEventOrLogThroughAPromotionAndARollback()
      throws Exception {
    String name = "secretive";
    ModelVersion first = file(name, "first");
    ModelVersion retrained = file(name, "retrained");
    ModelVersion broken = file(name, "broken");
    metrics.set(name, first, FakeMetricsSource.serving(1000, 10, 0.05));
    metrics.set(name, retrained, FakeMetricsSource.serving(400, 4, 0.05));
    metrics.set(name, broken, FakeMetricsSource.serving(400, 400, 0.05));

    ModelDeployment md = model(name, first);
    cluster().models().resource(md).create();
    String firstName = WorkloadNames.deployment(md, first);
    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .until(() -> cluster().deployment(firstName).get(), d -> d != null);
    cluster().markReady(firstName, 2);
    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .until(() -> "True".equals(cluster().condition(name, Conditions.READY).getStatus()));
    assertThat(cluster().model(name).getStatus().getStable().getUri())
        .isEqualTo("https://***@models.example.com/secretive/1/first.onnx?***");

    // A canary walked to promotion, under rotated credentials: the stable Deployment is written
    // from status meanwhile and keeps its own.
    cluster()
        .editModel(
            name,
            edited -> {
              edited.getSpec().getModel().setUri(retrained.uri());
              edited.getSpec().getModel().setCredentialsSecret("rotated-creds");
              return edited;
            });
    String retrainedName = WorkloadNames.deployment(md, retrained);
    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .until(() -> cluster().deployment(retrainedName).get(), d -> d != null);
    cluster().markReady(retrainedName, 1);
    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .until(() -> cluster().model(name).getStatus().getCanary().getStep() == 1);
    assertThat(fetchedUri(firstName)).isEqualTo(first.uri());
    assertThat(credentialsSecret(firstName)).isEqualTo("store-creds");
    assertThat(credentialsSecret(retrainedName)).isEqualTo("rotated-creds");
    assertNoSecretIn(cluster().model(name));
    cluster().markReady(retrainedName, 2);
    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ModelDeployment seen = cluster().model(name);
              assertThat(seen.getStatus().getCanary()).isNull();
              assertThat(seen.getStatus().getStable().getRevision())
                  .isEqualTo(retrained.revision());
            });

    // A canary rolled back: the serving file's uri now only lives in its Deployment.
    newUri(name, broken);
    String brokenName = WorkloadNames.deployment(md, broken);
    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .until(() -> cluster().deployment(brokenName).get(), d -> d != null);
    assertThat(fetchedUri(brokenName)).isEqualTo(broken.uri());
    cluster().markReady(brokenName, 1);
    await()
        .ignoreExceptions()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              ModelDeployment seen = cluster().model(name);
              assertThat(seen.getStatus().getCanary()).isNull();
              assertThat(seen.getStatus().getRejected().getRevision()).isEqualTo(broken.revision());
              assertThat(seen.getStatus().getHistory())
                  .extracting(h -> h.getResult())
                  .containsSubsequence(RolloutResult.Promoted, RolloutResult.RolledBack);
            });
    assertThat(fetchedUri(retrainedName))
        .as("the serving Deployment, written again while the canary ran, keeps the full uri")
        .isEqualTo(retrained.uri());
    assertThat(credentialsSecret(retrainedName)).isEqualTo("rotated-creds");
    assertThat(cluster().model(name).getStatus().getStable().getRevision())
        .isEqualTo(retrained.revision());

    assertNoSecretIn(cluster().model(name));
    List<Event> events =
        client.v1().events().inNamespace(TestModels.NAMESPACE).list().getItems().stream()
            .filter(e -> name.equals(e.getInvolvedObject().getName()))
            .toList();
    assertThat(events).extracting(Event::getReason).contains("CanaryStarted", "Promoted");
    for (Event event : events) {
      assertNoSecretIn(event.getMessage());
    }
    assertThat(log).as("the operator logged the rollout").isNotEmpty();
    assertNoSecretIn(String.join("\n", log));
  }

  private void assertNoSecretIn(ModelDeployment md) throws Exception {
    assertNoSecretIn(new ObjectMapper().writeValueAsString(md.getStatus()));
  }

  private static void assertNoSecretIn(String text) {
    for (String secret : SECRETS) {
      assertThat(text).doesNotContain(secret);
    }
  }

  private String fetchedUri(String deploymentName) {
    Deployment deployment = cluster().deployment(deploymentName).get();
    Container fetch =
        deployment.getSpec().getTemplate().getSpec().getInitContainers().stream()
            .filter(c -> ModelServerDeployment.FETCH_CONTAINER.equals(c.getName()))
            .findFirst()
            .orElseThrow();
    return fetch.getEnv().stream()
        .filter(e -> "MODELKEEPER_MODEL_URI".equals(e.getName()))
        .map(EnvVar::getValue)
        .findFirst()
        .orElseThrow();
  }

  private String credentialsSecret(String deploymentName) {
    return cluster()
        .deployment(deploymentName)
        .get()
        .getSpec()
        .getTemplate()
        .getSpec()
        .getVolumes()
        .stream()
        .filter(v -> ModelServerDeployment.CREDENTIALS_VOLUME.equals(v.getName()))
        .map(v -> v.getSecret().getSecretName())
        .findFirst()
        .orElse(null);
  }

  private static ModelDeployment model(String name, ModelVersion first) {
    ModelDeployment md =
        TestModels.model(
            name,
            "1",
            spec -> {
              spec.getServing().setReplicas(2);
              spec.getRollout().setSteps(List.of(step(25, "2s"), step(50, "2s")));
              spec.getRollout().getAnalysis().setInterval("1s");
              spec.getRollout().getAnalysis().setMinRequests(100);
            });
    md.getSpec().getModel().setUri(first.uri());
    md.getSpec().getModel().setCredentialsSecret("store-creds");
    return md;
  }

  /** Version 1 of the model under another file name, behind basic auth and a presigned query. */
  private static ModelVersion file(String name, String variant) {
    return new ModelVersion(
        "1",
        "https://alice:s3cr3tpass@models.example.com/"
            + name
            + "/1/"
            + variant
            + ".onnx?X-Amz-Credential=AKIDSECRET&X-Amz-Signature=f00dfeedsignature",
        null);
  }

  private void newUri(String name, ModelVersion model) {
    cluster()
        .editModel(
            name,
            md -> {
              md.getSpec().getModel().setUri(model.uri());
              return md;
            });
  }

  private TestCluster cluster() {
    return new TestCluster(client);
  }
}
