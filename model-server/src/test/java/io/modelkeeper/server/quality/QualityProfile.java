package io.modelkeeper.server.quality;

import io.modelkeeper.server.support.TestModels;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.nio.file.Path;
import java.util.Map;

/** Serves the example logistic regression as a binary classifier with quality monitoring on. */
public class QualityProfile implements QuarkusTestProfile {
  static final Path CAPTURE_DIR =
      Path.of("target", "quality-test-capture-" + ProcessHandle.current().pid()).toAbsolutePath();

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        "modelkeeper.model.name", "fraud",
        "modelkeeper.model.version", "7",
        "modelkeeper.model.uri", TestModels.logisticRegressionFile().toUri().toString(),
        "modelkeeper.task", "binary-classification",
        "modelkeeper.class-names", "legit,fraud",
        "modelkeeper.drift.reference-size", "100",
        "modelkeeper.drift.window", "200",
        "modelkeeper.capture.dir", CAPTURE_DIR.toString(),
        "modelkeeper.capture.flush-interval", "50ms");
  }
}
