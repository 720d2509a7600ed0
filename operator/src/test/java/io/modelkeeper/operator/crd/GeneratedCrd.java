package io.modelkeeper.operator.crd;

import io.fabric8.crdv2.generator.CRDGenerator;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The CRD as the Java types generate it now, and the committed copy in crds/. */
public final class GeneratedCrd {

  public static final String FILE_NAME = "modeldeployments.modelkeeper.io-v1.yml";

  /** Tests run in operator/, the committed CRDs live at the repository root. */
  public static final Path COMMITTED = Path.of("..", "crds", FILE_NAME);

  private GeneratedCrd() {}

  /** Runs the generator QOSDK runs at build, with the same post-processor, and returns the YAML. */
  public static String generate() {
    try {
      Path dir = Files.createTempDirectory("crd");
      new CRDGenerator()
          .customResourceClasses(ModelDeployment.class)
          .forCRDVersions("v1")
          .withPostProcessor(new CrdFinishing())
          .inOutputDir(dir.toFile())
          .generate();
      Path file = dir.resolve(FILE_NAME);
      String yaml = Files.readString(file);
      Files.delete(file);
      Files.delete(dir);
      return yaml;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The committed crds/ file. */
  public static String committed() {
    try {
      return Files.readString(COMMITTED);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + COMMITTED.toAbsolutePath(), e);
    }
  }
}
