package io.modelkeeper.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.modelkeeper.e2e.cluster.Kubectl;
import io.modelkeeper.e2e.traffic.InferenceClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Clients that know only the model's Service: with three replicas, predictions and their labels
 * land on pods in turn, each label most often on a pod that did not make its prediction, and yet
 * every label reaches its prediction (the receiving pod forwards it to the pod whose token ends the
 * id), so the pods' quality figures count every label sent.
 */
class FeedbackThroughServiceE2E {

  private static final String MD = "routed";
  private static final int REPLICAS = 3;
  private static final int PREDICTIONS = 30;
  private static final int ROWS = 2;
  private static final int FEATURES = 8;

  static ClusterUnderTest cluster;
  static Kubectl kubectl;
  static final Random random = new Random(13);

  @RegisterExtension
  static final ScenarioCluster scenario = ScenarioCluster.local("e2e-feedback-routing-state");

  @BeforeAll
  static void startCluster() {
    cluster = scenario.cluster();
    kubectl = cluster.kubectl();
  }

  @Test
  void everyLabelSentToTheServiceReachesItsPrediction() {
    String manifest =
        """
        apiVersion: modelkeeper.io/v1alpha1
        kind: ModelDeployment
        metadata:
          name: %s
        spec:
          model:
            version: "1"
            uri: %s/logistic-regression/model.onnx
          serving:
            replicas: %d
            gpus: 0
            executionProvider: cpu
          monitoring:
            task: binary-classification
            window: 1000
            interval: 2s
        """
            .formatted(MD, cluster.modelBaseUrl(), REPLICAS);
    kubectl.runWithInput(manifest, "apply", "--validate=false", "-f", "-").orThrow();
    assertThat(kubectl.run("wait", "--for=condition=Ready", "md/" + MD, "--timeout=180s").orThrow())
        .contains("condition met");
    List<Pod> pods =
        await()
            .atMost(Duration.ofMinutes(2))
            .until(FeedbackThroughServiceE2E::readyPods, ready -> ready.size() == REPLICAS);
    String namespace = pods.get(0).getMetadata().getNamespace();
    String service = cluster.serviceBaseUrl(namespace, MD);

    // Each request on a connection of its own, as many clients would: the Service spreads them.
    Map<String, Integer> labelsById = new LinkedHashMap<>();
    Set<String> podTokens = new HashSet<>();
    for (int i = 0; i < PREDICTIONS; i++) {
      InferenceClient.Reply reply =
          new InferenceClient().infer(service, MD, "input", null, rows(ROWS));
      float[] scores = InferenceClient.firstOutput(reply);
      String id = reply.body().path("id").asText();
      assertThat(id).as("a minted id names its pod").matches("[0-9a-f-]{36}\\.[0-9a-f]{12}");
      podTokens.add(id.substring(37));
      labelsById.put(id, scores[0] > 0.5f ? 1 : 0);
    }
    assertThat(podTokens).as("the Service spread the predictions over the pods").hasSize(REPLICAS);

    // Half the labels one by one, the other half in one request that mixes every pod's ids.
    List<Map<String, Object>> batch = new ArrayList<>();
    int sent = 0;
    int index = 0;
    for (var entry : labelsById.entrySet()) {
      List<Integer> labels = List.of(entry.getValue(), 1 - entry.getValue());
      Map<String, Object> item = Map.of("id", entry.getKey(), "label", labels);
      if (index++ % 2 == 0) {
        InferenceClient.Reply reply = new InferenceClient().feedback(service, MD, List.of(item));
        assertThat(reply.status())
            .as("feedback %s: %s", entry.getKey(), reply.text())
            .isEqualTo(200);
      } else {
        batch.add(item);
      }
      sent += labels.size();
    }
    InferenceClient.Reply reply = new InferenceClient().feedback(service, MD, batch);
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    assertThat(reply.body().path("accepted").asInt()).isEqualTo(batch.size());

    long labelled = 0;
    InferenceClient pods2 = new InferenceClient();
    for (Pod pod : pods) {
      InferenceClient.Reply quality =
          pods2.get(cluster.podBaseUrl(pod) + "/v2/models/" + MD + "/quality");
      assertThat(quality.status()).as(quality.text()).isEqualTo(200);
      labelled += quality.body().path("predictions").path("labelled_total").asLong();
    }
    assertThat(labelled)
        .as("labelled rows over the pods")
        .isEqualTo(sent)
        .isEqualTo(PREDICTIONS * ROWS);
  }

  private static List<Pod> readyPods() {
    return cluster
        .client()
        .pods()
        .withLabel("modelkeeper.io/deployment", MD)
        .list()
        .getItems()
        .stream()
        .filter(
            pod ->
                pod.getStatus() != null
                    && pod.getStatus().getConditions() != null
                    && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
        .toList();
  }

  private static float[][] rows(int count) {
    float[][] rows = new float[count][FEATURES];
    for (float[] row : rows) {
      for (int f = 0; f < FEATURES; f++) {
        row[f] = (float) random.nextGaussian();
      }
    }
    return rows;
  }
}
