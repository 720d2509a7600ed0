package io.modelkeeper.e2e.scenarios;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * What a rollout scenario reads and changes of one ModelDeployment in the {@code default}
 * namespace: its status and history, the Deployments of its versions, its Events, and new versions
 * of its model (through {@code kubectl patch}).
 */
final class ModelDeploymentView {

  static final Duration POLL = Duration.ofMillis(500);

  private final ClusterUnderTest cluster;
  private final String name;
  private final Duration patience;

  ModelDeploymentView(ClusterUnderTest cluster, String name, Duration patience) {
    this.cluster = cluster;
    this.name = name;
    this.patience = patience;
  }

  String name() {
    return name;
  }

  /** Points the model at {@code <model repository>/<modelDir>/model.onnx} as {@code version}. */
  void newVersion(String version, String modelDir) {
    cluster
        .kubectl()
        .run(
            "patch",
            "md",
            name,
            "--type=merge",
            "-p",
            "{\"spec\":{\"model\":{\"version\":\""
                + version
                + "\",\"uri\":\""
                + cluster.modelBaseUrl()
                + "/"
                + modelDir
                + "/model.onnx\"}}}")
        .orThrow();
  }

  /** The status as the API server holds it now (a missing node when there is none). */
  JsonNode status() {
    GenericKubernetesResource md =
        cluster
            .client()
            .genericKubernetesResources("modelkeeper.io/v1alpha1", "ModelDeployment")
            .inNamespace("default")
            .withName(name)
            .get();
    return Serialization.jsonMapper().valueToTree(md).path("status");
  }

  /** The first status for which {@code done} holds, within the patience. */
  JsonNode awaitStatus(Predicate<JsonNode> done) {
    return await().atMost(patience).pollInterval(POLL).until(this::status, done);
  }

  static boolean hasHistory(JsonNode status, String version) {
    return !history(status, version).isEmpty();
  }

  /** The history entries of {@code version}, oldest first. */
  static List<JsonNode> history(JsonNode status, String version) {
    List<JsonNode> entries = new ArrayList<>();
    status
        .path("history")
        .forEach(
            e -> {
              if (version.equals(e.path("version").asText())) {
                entries.add(e);
              }
            });
    return entries;
  }

  static JsonNode lastHistory(JsonNode status) {
    JsonNode history = status.path("history");
    return history.path(history.size() - 1);
  }

  /** The Deployments the operator made for this ModelDeployment. */
  List<Deployment> deployments() {
    return cluster
        .client()
        .apps()
        .deployments()
        .inNamespace("default")
        .withLabel("modelkeeper.io/deployment", name)
        .list()
        .getItems();
  }

  List<String> deploymentNames() {
    return deployments().stream().map(d -> d.getMetadata().getName()).toList();
  }

  /** The model versions that have a Deployment (named <md>-<version>-<revision>). */
  List<String> deploymentVersions() {
    return deployments().stream()
        .map(d -> d.getMetadata().getLabels().get("modelkeeper.io/version"))
        .toList();
  }

  /** The messages of this ModelDeployment's Events with {@code reason} that start so. */
  List<String> events(String reason, String messagePrefix) {
    return cluster.client().v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason()))
        .map(Event::getMessage)
        .filter(m -> m != null && m.startsWith(messagePrefix))
        .toList();
  }
}
