package io.modelkeeper.server.quality;

import io.modelkeeper.server.support.TestModels;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * A pod at 127.0.0.1 of a model whose pods are 127.0.0.1 and 127.0.0.2 (the test plays the other
 * pod); 127.0.0.3 is no pod of the model.
 */
public class ForwardingProfile implements QuarkusTestProfile {
  static final String SELF = "127.0.0.1";
  static final String PEER = "127.0.0.2";
  static final String STRANGER = "127.0.0.3";

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        "modelkeeper.model.name", "fraud",
        "modelkeeper.model.version", "7",
        "modelkeeper.model.uri", TestModels.logisticRegressionFile().toUri().toString(),
        "modelkeeper.task", "binary-classification",
        "modelkeeper.pod-ip", SELF,
        "modelkeeper.peers", SELF + "," + PEER,
        "modelkeeper.feedback-forward-timeout", "2s");
  }
}
