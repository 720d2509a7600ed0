package io.modelkeeper.server.explain;

import io.modelkeeper.server.support.TestModels;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.HashMap;
import java.util.Map;

/**
 * The example logistic regression as "fraud" version 7 with quality monitoring, every live request
 * explained, and small explanation limits to run into: one explanation in flight at a time.
 */
public class ExplainProfile implements QuarkusTestProfile {
  static final int MAX_MODEL_ROWS = 50_000;
  static final int MAX_BACKGROUND_ROWS = 50;

  @Override
  public Map<String, String> getConfigOverrides() {
    Map<String, String> overrides = new HashMap<>();
    // Every live request is explained, back to back: no rest for a share of the core.
    overrides.put("modelkeeper.explain.live.cpu", "1");
    overrides.putAll(
        Map.of(
            "modelkeeper.model.name", "fraud",
            "modelkeeper.model.version", "7",
            "modelkeeper.model.uri", TestModels.logisticRegressionFile().toUri().toString(),
            "modelkeeper.task", "binary-classification",
            "modelkeeper.drift.reference-size", "100",
            "modelkeeper.explain.live.rate", "1",
            "modelkeeper.explain.live.queue", "64",
            "modelkeeper.explain.queue", "0",
            "modelkeeper.explain.max-model-rows", Integer.toString(MAX_MODEL_ROWS),
            "modelkeeper.explain.max-background-rows", Integer.toString(MAX_BACKGROUND_ROWS)));
    return overrides;
  }
}
