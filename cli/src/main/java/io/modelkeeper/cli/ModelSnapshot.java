package io.modelkeeper.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One look at a ModelDeployment: the object, its model-server pods, the ModelRetrainings that
 * retrain it and their runs, read by three kubectl calls side by side.
 */
record ModelSnapshot(
    JsonNode model, List<JsonNode> pods, List<JsonNode> retrainings, List<JsonNode> runs) {

  static final String RESOURCE = "modeldeployments.modelkeeper.io";

  /** Reads everything about {@code name} now. */
  static ModelSnapshot read(Kubectl kubectl, String name) {
    Kubectl.Call model = kubectl.start("get", RESOURCE, name, "-o", "json");
    Kubectl.Call pods =
        kubectl.start(
            "get",
            "pods",
            "-l",
            "app.kubernetes.io/name=modelkeeper-model-server,modelkeeper.io/deployment=" + name,
            "-o",
            "json");
    Kubectl.Call training =
        kubectl.start(
            "get",
            "modelretrainings.modelkeeper.io,retrainingruns.modelkeeper.io",
            "-o",
            "json",
            "--ignore-not-found");
    JsonNode md = model.json();
    List<JsonNode> podItems = items(pods.json());
    List<JsonNode> trainingItems;
    try {
      String text = training.text();
      trainingItems = text.isBlank() ? List.of() : items(parse(text));
    } catch (CliException e) {
      // Continuous training is optional: without its CRDs (or RBAC to read them) the rest shows.
      trainingItems = List.of();
    }
    return of(md, podItems, trainingItems);
  }

  /** The snapshot of these objects: retrainings of other models and their runs are left out. */
  static ModelSnapshot of(JsonNode md, List<JsonNode> pods, List<JsonNode> trainingObjects) {
    String name = md.path("metadata").path("name").asText();
    List<JsonNode> retrainings =
        trainingObjects.stream()
            .filter(o -> o.path("kind").asText().equals("ModelRetraining"))
            .filter(
                o -> o.path("spec").path("modelDeploymentRef").path("name").asText().equals(name))
            .collect(Collectors.toList());
    Set<String> retrainingNames =
        retrainings.stream()
            .map(r -> r.path("metadata").path("name").asText())
            .collect(Collectors.toSet());
    List<JsonNode> runs =
        trainingObjects.stream()
            .filter(o -> o.path("kind").asText().equals("RetrainingRun"))
            .filter(
                o ->
                    retrainingNames.contains(
                        o.path("spec").path("retrainingRef").path("name").asText()))
            .sorted(NEWEST_FIRST)
            .collect(Collectors.toList());
    return new ModelSnapshot(md, pods, retrainings, runs);
  }

  /** Newest run first: by run number, then by creation time. */
  static final Comparator<JsonNode> NEWEST_FIRST =
      Comparator.<JsonNode>comparingLong(r -> r.path("status").path("number").asLong(0))
          .thenComparing(r -> r.path("metadata").path("creationTimestamp").asText(""))
          .reversed();

  /** The pods of one revision (label modelkeeper.io/revision), by name. */
  List<JsonNode> podsOf(String revision) {
    List<JsonNode> of = new ArrayList<>();
    for (JsonNode pod : pods) {
      if (pod.path("metadata")
          .path("labels")
          .path("modelkeeper.io/revision")
          .asText()
          .equals(revision)) {
        of.add(pod);
      }
    }
    of.sort(Comparator.comparing(p -> p.path("metadata").path("name").asText()));
    return of;
  }

  /** The whole snapshot as one JSON document, for -o json. */
  JsonNode toJson() {
    ObjectNode json = Kubectl.JSON.createObjectNode();
    json.set("modelDeployment", model);
    json.set("pods", Kubectl.JSON.valueToTree(pods));
    json.set("retrainings", Kubectl.JSON.valueToTree(retrainings));
    json.set("latestRun", runs.isEmpty() ? null : runs.get(0));
    return json;
  }

  private static List<JsonNode> items(JsonNode list) {
    List<JsonNode> items = new ArrayList<>();
    list.path("items").forEach(items::add);
    return items;
  }

  private static JsonNode parse(String text) {
    try {
      return Kubectl.JSON.readTree(text);
    } catch (java.io.IOException e) {
      throw new CliException("kubectl get did not answer JSON: " + e.getMessage());
    }
  }
}
