package io.modelkeeper.operator.crd;

import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelRetraining;
import io.modelkeeper.api.v1alpha1.RetrainingRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The CRDs as the Java types generate them now, and the committed copies in crds/. */
public final class GeneratedCrd {

  /** Every custom resource type of the API, the ModelDeployment first. */
  public static final List<Class<? extends HasMetadata>> TYPES =
      List.of(ModelDeployment.class, ModelRetraining.class, RetrainingRun.class);

  public static final String FILE_NAME = fileName(ModelDeployment.class);

  /** Tests run in operator/, the committed CRDs live at the repository root. */
  public static final Path COMMITTED = committedPath(ModelDeployment.class);

  private GeneratedCrd() {}

  /**
   * The file name the generator gives a type's CRD, such as modeldeployments.modelkeeper.io-v1.yml.
   */
  public static String fileName(Class<? extends HasMetadata> type) {
    return HasMetadata.getFullResourceName(type) + "-v1.yml";
  }

  /** Where a type's CRD is committed. */
  public static Path committedPath(Class<? extends HasMetadata> type) {
    return Path.of("..", "crds", fileName(type));
  }

  /** The ModelDeployment CRD as generated now. */
  public static String generate() {
    return generateAll().get(ModelDeployment.class);
  }

  /**
   * Runs the generator QOSDK runs at build, with the same post-processor, and returns the YAML of
   * each type.
   */
  public static Map<Class<? extends HasMetadata>, String> generateAll() {
    try {
      Path dir = Files.createTempDirectory("crd");
      new CRDGenerator()
          .customResourceClasses(TYPES.toArray(new Class[0]))
          .forCRDVersions("v1")
          .withPostProcessor(new CrdFinishing())
          .inOutputDir(dir.toFile())
          .generate();
      Map<Class<? extends HasMetadata>, String> yaml = new LinkedHashMap<>();
      for (Class<? extends HasMetadata> type : TYPES) {
        Path file = dir.resolve(fileName(type));
        yaml.put(type, Files.readString(file));
        Files.delete(file);
      }
      Files.delete(dir);
      return yaml;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The committed crds/ file of the ModelDeployment. */
  public static String committed() {
    return committed(ModelDeployment.class);
  }

  /** The committed crds/ file of a type. */
  public static String committed(Class<? extends HasMetadata> type) {
    Path path = committedPath(type);
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path.toAbsolutePath(), e);
    }
  }
}
