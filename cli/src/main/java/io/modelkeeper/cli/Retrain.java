package io.modelkeeper.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code retrain NAME}: creates a RetrainingRun of the ModelRetraining that retrains the
 * ModelDeployment, like the manual run of docs/retraining.md; the operator numbers and starts it.
 */
final class Retrain {

  /** RetrainingRun names are at most 50 characters (the CRD's rule). */
  static final int MAX_NAME = 50;

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyMMddHHmmss").withZone(ZoneOffset.UTC);

  private Retrain() {}

  /** The ModelRetraining to run: the one retraining {@code model}, or {@code chosen}. */
  static String retrainingFor(String model, List<JsonNode> retrainings, String chosen) {
    List<String> names = new ArrayList<>();
    for (JsonNode r : retrainings) {
      if (r.path("spec").path("modelDeploymentRef").path("name").asText().equals(model)) {
        names.add(r.path("metadata").path("name").asText());
      }
    }
    if (chosen != null) {
      if (!names.contains(chosen)) {
        throw new CliException(
            "modelretraining/"
                + chosen
                + " does not retrain md/"
                + model
                + " (those that do: "
                + names
                + ")");
      }
      return chosen;
    }
    if (names.isEmpty()) {
      throw new CliException(
          "no ModelRetraining retrains md/"
              + model
              + ": create one first (docs/retraining.md), then retrain starts its runs");
    }
    if (names.size() > 1) {
      throw new CliException(
          "several ModelRetrainings retrain md/"
              + model
              + ": choose one with --retraining "
              + names);
    }
    return names.get(0);
  }

  /** The RetrainingRun to create: {@code <retraining>-m<yyMMddHHmmss>}, at most 50 characters. */
  static ObjectNode run(String retraining, String reason, Instant now) {
    String suffix = "-m" + STAMP.format(now);
    String prefix =
        retraining.substring(0, Math.min(retraining.length(), MAX_NAME - suffix.length()));
    prefix = prefix.replaceAll("-+$", "");
    ObjectNode run = Kubectl.JSON.createObjectNode();
    run.put("apiVersion", "modelkeeper.io/v1alpha1");
    run.put("kind", "RetrainingRun");
    run.putObject("metadata").put("name", prefix + suffix);
    ObjectNode spec = run.putObject("spec");
    spec.putObject("retrainingRef").put("name", retraining);
    spec.put("trigger", "Manual");
    spec.put(
        "reason",
        reason == null || reason.isBlank() ? "started with kubectl modelkeeper retrain" : reason);
    return run;
  }

  /** Creates the run; its name. */
  static String create(Kubectl kubectl, ObjectNode run) {
    byte[] manifest = run.toString().getBytes(StandardCharsets.UTF_8);
    // The API server checks the run against the CRD's schema and rules; kubectl's own check
    // would only fetch the OpenAPI document to say the same, where a server has none.
    JsonNode created =
        kubectl
            .startWithInput(manifest, "create", "--validate=false", "-f", "-", "-o", "json")
            .json();
    return created.path("metadata").path("name").asText();
  }
}
