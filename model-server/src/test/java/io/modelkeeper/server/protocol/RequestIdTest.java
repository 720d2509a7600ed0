package io.modelkeeper.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Ids the server makes are random version-4 UUIDs (from SecureRandom), never repeated. */
class RequestIdTest {

  @Test
  void generatedIdsAreVersion4UuidsThatDoNotRepeat() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 20_000; i++) {
      String id = InferRoutes.newId();
      assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
      assertThat(seen.add(id)).as("repeated id %s", id).isTrue();
    }
  }
}
