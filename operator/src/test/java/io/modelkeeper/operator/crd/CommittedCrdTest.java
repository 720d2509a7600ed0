package io.modelkeeper.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** crds/ must hold exactly what the Java API types generate; -Dcrds.update=true rewrites it. */
class CommittedCrdTest {

  private static String howToFix(Path file) {
    return file
        + " is stale: the API types in io.modelkeeper.api.v1alpha1 generate a different CRD."
        + " Regenerate it with `./mvnw -B -pl operator test -Dtest=CommittedCrdTest"
        + " -Dcrds.update=true` and commit the file.";
  }

  @Test
  void committedCrdsAreWhatTheTypesGenerate() throws IOException {
    Map<Class<? extends HasMetadata>, String> generated = GeneratedCrd.generateAll();
    assertThat(generated).hasSize(GeneratedCrd.TYPES.size());
    for (var crd : generated.entrySet()) {
      Path committed = GeneratedCrd.committedPath(crd.getKey());
      if (Boolean.getBoolean("crds.update")) {
        Files.createDirectories(committed.getParent());
        Files.writeString(committed, crd.getValue());
      }
      assertThat(Files.exists(committed)).as(howToFix(committed)).isTrue();
      assertThat(GeneratedCrd.committed(crd.getKey()))
          .as(howToFix(committed))
          .isEqualTo(crd.getValue());
    }
  }
}
