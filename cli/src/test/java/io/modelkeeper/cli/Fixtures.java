package io.modelkeeper.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The fraud ModelDeployment mid-canary, its pods and its retraining runs, as kubectl gives them.
 */
final class Fixtures {

  private Fixtures() {}

  static JsonNode read(String resource) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/" + resource)) {
      return Kubectl.JSON.readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<JsonNode> list(String resource) {
    List<JsonNode> items = new ArrayList<>();
    read(resource).forEach(items::add);
    return items;
  }

  static ModelSnapshot fraud() {
    return ModelSnapshot.of(
        read("fraud-canary.json"), list("fraud-pods.json"), list("fraud-training.json"));
  }
}
