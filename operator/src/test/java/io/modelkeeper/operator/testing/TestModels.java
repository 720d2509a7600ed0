package io.modelkeeper.operator.testing;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelDeploymentSpec;
import io.modelkeeper.api.v1alpha1.ModelSpec;
import io.modelkeeper.api.v1alpha1.StepSpec;
import io.modelkeeper.operator.config.OperatorConfig;
import io.modelkeeper.operator.workload.ModelVersion;
import io.modelkeeper.operator.workload.WorkloadNames;
import java.util.function.Consumer;

/** Builds ModelDeployments for tests. */
public final class TestModels {

  public static final String NAMESPACE = "ml";

  private TestModels() {}

  /** A CPU model fetched over HTTPS, version {@code version}. */
  public static ModelDeployment model(String name, String version) {
    return model(name, version, spec -> {});
  }

  /** Same, with the spec changed by {@code change}. */
  public static ModelDeployment model(
      String name, String version, Consumer<ModelDeploymentSpec> change) {
    ModelDeployment md = new ModelDeployment();
    md.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(NAMESPACE)
            .withUid("uid-" + name)
            .withGeneration(1L)
            .build());
    ModelDeploymentSpec spec = new ModelDeploymentSpec();
    ModelSpec model = new ModelSpec();
    model.setVersion(version);
    model.setUri(file(name, version).uri());
    spec.setModel(model);
    change.accept(spec);
    md.setSpec(spec);
    return md;
  }

  /** The file {@link #model} gives version {@code version} of ModelDeployment {@code name}. */
  public static ModelVersion file(String name, String version) {
    return new ModelVersion(
        version, "https://models.example.com/" + name + "/" + version + "/model.onnx", null);
  }

  /** The name of that file's Deployment. */
  public static String deploymentName(String name, String version) {
    return WorkloadNames.deployment(model(name, version), file(name, version));
  }

  /** The operator settings with their defaults. */
  public static OperatorConfig config() {
    return config("ghcr.io/modelkeeper/model-server:0.1.0", "nvidia.com/gpu");
  }

  /** The operator settings with another model-server image and GPU resource name. */
  public static OperatorConfig config(String image, String gpuResourceName) {
    return config(image, gpuResourceName, null, java.util.List.of());
  }

  /** The default settings with an operator Prometheus and the URLs specs may name besides it. */
  public static OperatorConfig config(String prometheusUrl, java.util.List<String> allowed) {
    return config(
        "ghcr.io/modelkeeper/model-server:0.1.0", "nvidia.com/gpu", prometheusUrl, allowed);
  }

  /** The reference trainer image of the tests' operator settings. */
  public static final String TRAINER_IMAGE = "ghcr.io/modelkeeper/trainer:0.1.0";

  private static OperatorConfig config(
      String image, String gpuResourceName, String prometheusUrl, java.util.List<String> allowed) {
    return new OperatorConfig() {
      @Override
      public ModelServer modelServer() {
        return () -> image;
      }

      @Override
      public Trainer trainer() {
        return () -> TRAINER_IMAGE;
      }

      @Override
      public String gpuResourceName() {
        return gpuResourceName;
      }

      @Override
      public java.time.Duration reconcileInterval() {
        return java.time.Duration.ofSeconds(60);
      }

      @Override
      public java.time.Duration labelledRowsInterval() {
        return java.time.Duration.ofSeconds(30);
      }

      @Override
      public java.time.Duration bucketCaptureFileAge() {
        return java.time.Duration.ofMinutes(5);
      }

      @Override
      public java.util.Optional<String> prometheusUrl() {
        return java.util.Optional.ofNullable(prometheusUrl);
      }

      @Override
      public java.util.Optional<java.util.List<String>> prometheusAllowedUrls() {
        return allowed.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(allowed);
      }

      @Override
      public java.time.Duration prometheusMinRange() {
        return java.time.Duration.ofSeconds(60);
      }

      @Override
      public java.util.Optional<java.nio.file.Path> prometheusBearerTokenFile() {
        return java.util.Optional.empty();
      }

      @Override
      public java.util.Optional<String> prometheusUsername() {
        return java.util.Optional.empty();
      }

      @Override
      public java.util.Optional<java.nio.file.Path> prometheusPasswordFile() {
        return java.util.Optional.empty();
      }

      @Override
      public java.util.Optional<java.nio.file.Path> prometheusCaFile() {
        return java.util.Optional.empty();
      }

      @Override
      public boolean prometheusInsecureSkipVerify() {
        return false;
      }

      @Override
      public LeaderElectionSettings leaderElection() {
        return new LeaderElectionSettings() {
          @Override
          public boolean enabled() {
            return false;
          }

          @Override
          public java.util.Optional<String> namespace() {
            return java.util.Optional.empty();
          }
        };
      }

      @Override
      public Console console() {
        return new Console() {
          @Override
          public boolean enabled() {
            return false;
          }

          @Override
          public java.util.Optional<java.nio.file.Path> tokenFile() {
            return java.util.Optional.empty();
          }
        };
      }
    };
  }

  /** A rollout step of {@code weight} percent lasting at least {@code duration}. */
  public static StepSpec step(int weight, String duration) {
    StepSpec step = new StepSpec();
    step.setWeight(weight);
    step.setDuration(duration);
    return step;
  }
}
