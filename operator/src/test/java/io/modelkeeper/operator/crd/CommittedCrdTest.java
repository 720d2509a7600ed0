package io.modelkeeper.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** crds/ must hold exactly what the Java API types generate; -Dcrds.update=true rewrites it. */
class CommittedCrdTest {

  private static final String HOW_TO_FIX =
      "crds/"
          + GeneratedCrd.FILE_NAME
          + " is stale: the API types in"
          + " io.modelkeeper.api.v1alpha1 generate a different CRD. Regenerate it with"
          + " `./mvnw -B -pl operator test -Dtest=CommittedCrdTest -Dcrds.update=true`"
          + " and commit the file.";

  @Test
  void committedCrdIsWhatTheTypesGenerate() throws IOException {
    String generated = GeneratedCrd.generate();
    if (Boolean.getBoolean("crds.update")) {
      Files.createDirectories(GeneratedCrd.COMMITTED.getParent());
      Files.writeString(GeneratedCrd.COMMITTED, generated);
    }
    assertThat(Files.exists(GeneratedCrd.COMMITTED)).as(HOW_TO_FIX).isTrue();
    assertThat(GeneratedCrd.committed()).as(HOW_TO_FIX).isEqualTo(generated);
  }
}
