package io.modelkeeper.operator.validation;

import io.modelkeeper.api.v1alpha1.Durations;
import io.modelkeeper.api.v1alpha1.ExecutionProvider;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelDeploymentSpec;
import io.modelkeeper.api.v1alpha1.ModelSpec;
import io.modelkeeper.api.v1alpha1.S3Spec;
import io.modelkeeper.api.v1alpha1.SloSpec;
import io.modelkeeper.api.v1alpha1.StepSpec;
import io.modelkeeper.operator.routing.Routers;
import io.modelkeeper.operator.workload.Redaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The spec rules the operator relies on, checked again in the operator: an API server without the
 * CRD's schema (or an older copy of it) must not make the operator build broken workloads. Each
 * check returns a message naming the field, the rule and an example.
 */
public final class SpecValidator {

  private static final List<Function<ModelDeploymentSpec, Optional<String>>> CHECKS =
      List.of(
          SpecValidator::modelUri,
          SpecValidator::s3Settings,
          SpecValidator::serviceAccount,
          SpecValidator::sha256,
          SpecValidator::servingNumbers,
          SpecValidator::cudaNeedsGpus,
          SpecValidator::durations,
          SpecValidator::stepsIncreasing,
          SpecValidator::routerSettings,
          SpecValidator::gpuBudgetFitsOnePod,
          SpecValidator::fetchSizes,
          SpecValidator::explanations);

  private SpecValidator() {}

  /** The outcome of validation: the typed spec, or the violated rules. */
  public record Result(CheckedSpec spec, List<String> problems) {

    public boolean valid() {
      return problems.isEmpty();
    }
  }

  /**
   * The rules of the whole object: its name (it names the model's Service and labels the pods, so
   * it must be a DNS label even where the API server lets a longer custom-resource name through)
   * and its spec.
   */
  public static Result validate(ModelDeployment md) {
    String name = md.getMetadata().getName();
    if (name == null || name.length() > 63 || !name.matches("^[a-z]([-a-z0-9]*[a-z0-9])?$")) {
      return new Result(
          null,
          List.of(
              "metadata.name '"
                  + name
                  + "' must be a DNS label of at most 63 characters (lower-case letters, digits"
                  + " and '-', starting with a letter), for example fraud-v2: it names the model's"
                  + " Service and labels its pods; create the ModelDeployment again under such a"
                  + " name"));
    }
    return validate(md.getSpec());
  }

  /** The typed spec when every rule holds, otherwise every violated rule. */
  public static Result validate(ModelDeploymentSpec spec) {
    List<String> problems = check(spec);
    return problems.isEmpty()
        ? new Result(CheckedSpec.of(spec), problems)
        : new Result(null, problems);
  }

  /** All violated rules, empty when the spec is usable. */
  public static List<String> check(ModelDeploymentSpec spec) {
    Optional<String> missing = modelPresent(spec);
    if (missing.isPresent()) {
      return List.of(missing.get());
    }
    List<String> problems = new ArrayList<>();
    for (var check : CHECKS) {
      check.apply(spec).ifPresent(problems::add);
    }
    return problems;
  }

  private static Optional<String> modelPresent(ModelDeploymentSpec spec) {
    if (spec == null
        || spec.getModel() == null
        || spec.getModel().getVersion() == null
        || spec.getModel().getUri() == null) {
      return Optional.of(
          "spec.model.version and spec.model.uri are required,"
              + " for example {version: \"1\", uri: https://models.example.com/fraud/1/model.onnx}");
    }
    return Optional.empty();
  }

  private static Optional<String> modelUri(ModelDeploymentSpec spec) {
    String uri = spec.getModel().getUri();
    if (uri.length() > 2048 || !uri.matches(ModelSpec.URI_PATTERN)) {
      return Optional.of(
          "spec.model.uri '"
              + Redaction.uri(uri)
              + "' must be http(s)://..., s3://<bucket>/<key>, file:///... or"
              + " pvc://<claim>/<path>, for example s3://models/fraud/7/model.onnx");
    }
    if (uri.startsWith("pvc://") && (uri.contains("/../") || uri.endsWith("/.."))) {
      return Optional.of(
          "spec.model.uri '"
              + Redaction.uri(uri)
              + "' must not leave its claim: a pvc:// path may not contain '..' segments");
    }
    if (uri.startsWith("pvc://") && spec.getModel().getCredentialsSecret() != null) {
      return Optional.of(
          "spec.model.credentialsSecret: a pvc:// model is mounted, not fetched, so it takes no"
              + " credentials; leave credentialsSecret out");
    }
    return Optional.empty();
  }

  private static Optional<String> s3Settings(ModelDeploymentSpec spec) {
    S3Spec s3 = spec.getModel().getS3();
    if (s3 == null) {
      return Optional.empty();
    }
    if (!spec.getModel().getUri().startsWith("s3://")) {
      return Optional.of(
          "spec.model.s3: the S3 settings are for an s3:// spec.model.uri only; leave s3 out");
    }
    String endpoint = s3.getEndpoint();
    if (endpoint != null
        && (endpoint.length() > 512 || !endpoint.matches(S3Spec.ENDPOINT_PATTERN))) {
      return Optional.of(
          "spec.model.s3.endpoint '"
              + Redaction.uri(endpoint)
              + "' must be an http(s) URL without userinfo, query or fragment, for example"
              + " https://minio.storage.svc:9000");
    }
    String region = s3.getRegion();
    if (region != null && (region.length() > 64 || !region.matches(S3Spec.REGION_PATTERN))) {
      return Optional.of(
          "spec.model.s3.region '"
              + region
              + "' must be a region name of lower-case letters, digits and '-', for example"
              + " eu-central-1");
    }
    return Optional.empty();
  }

  private static Optional<String> serviceAccount(ModelDeploymentSpec spec) {
    String name = spec.getServing() == null ? null : spec.getServing().getServiceAccountName();
    if (name != null
        && (name.length() > 253 || !name.matches("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"))) {
      return Optional.of(
          "spec.serving.serviceAccountName '"
              + name
              + "' must be the name of a ServiceAccount (lower-case letters, digits, '-' and '.'),"
              + " for example fraud-model-reader");
    }
    return Optional.empty();
  }

  private static Optional<String> explanations(ModelDeploymentSpec spec) {
    var explanations = spec.getMonitoring() == null ? null : spec.getMonitoring().getExplanations();
    if (explanations == null) {
      return Optional.empty();
    }
    Double rate = explanations.getLiveRate();
    if (rate != null && !(rate >= 0 && rate <= 1)) {
      return Optional.of(
          "spec.monitoring.explanations.liveRate "
              + rate
              + " must be from 0 to 1, for example 0.01");
    }
    List<String> names = explanations.getFeatureNames();
    if (names != null) {
      for (int i = 0; i < names.size(); i++) {
        String name = names.get(i);
        if (name == null
            || name.isEmpty()
            || name.length() > io.modelkeeper.api.v1alpha1.ExplanationsSpec.MAX_NAME_LENGTH
            || name.contains(",")) {
          return Optional.of(
              "spec.monitoring.explanations.featureNames["
                  + i
                  + "] must be 1-128 characters without a comma");
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<String> fetchSizes(ModelDeploymentSpec spec) {
    var fetch = spec.getServing() == null ? null : spec.getServing().getFetch();
    if (fetch == null) {
      return Optional.empty();
    }
    for (var field :
        new String[][] {
          {"memory", fetch.getMemory()}, {"modelVolumeSize", fetch.getModelVolumeSize()}
        }) {
      if (field[1] != null
          && !field[1].matches(io.modelkeeper.api.v1alpha1.FetchSpec.BYTES_PATTERN)) {
        return Optional.of(
            "spec.serving.fetch."
                + field[0]
                + " '"
                + field[1]
                + "' must be a quantity of bytes such as 512Mi or 4Gi");
      }
    }
    return Optional.empty();
  }

  private static Optional<String> sha256(ModelDeploymentSpec spec) {
    String sha = spec.getModel().getSha256();
    if (sha != null && !sha.matches("^[a-fA-F0-9]{64}$")) {
      return Optional.of(
          "spec.model.sha256 must be 64 hex characters (the output of sha256sum model.onnx)");
    }
    String reference = spec.getModel().getReferenceSha256();
    if (reference != null && !reference.matches("^[a-fA-F0-9]{64}$")) {
      return Optional.of(
          "spec.model.referenceSha256 must be 64 hex characters (the output of sha256sum"
              + " reference.json)");
    }
    return Optional.empty();
  }

  private static Optional<String> servingNumbers(ModelDeploymentSpec spec) {
    var serving = spec.getServing();
    if (serving.getReplicas() == null || serving.getReplicas() < 0) {
      return Optional.of("spec.serving.replicas must be 0 or more, for example 2");
    }
    if (serving.getGpus() == null || serving.getGpus() < 0) {
      return Optional.of("spec.serving.gpus must be 0 or more, for example 1");
    }
    if (serving.getBatching().getMaxBatchSize() == null
        || serving.getBatching().getMaxBatchSize() < 1) {
      return Optional.of("spec.serving.batching.maxBatchSize must be 1 or more, for example 32");
    }
    return Optional.empty();
  }

  private static Optional<String> cudaNeedsGpus(ModelDeploymentSpec spec) {
    var serving = spec.getServing();
    if (serving.getExecutionProvider() == ExecutionProvider.CUDA && serving.getGpus() == 0) {
      return Optional.of(
          "spec.serving.executionProvider 'cuda' needs spec.serving.gpus > 0;"
              + " use 'auto' or 'cpu' for CPU-only pods");
    }
    return Optional.empty();
  }

  private static Optional<String> durations(ModelDeploymentSpec spec) {
    List<String[]> fields = new ArrayList<>();
    fields.add(
        new String[] {
          "spec.serving.batching.maxQueueDelay", spec.getServing().getBatching().getMaxQueueDelay()
        });
    fields.add(new String[] {"spec.monitoring.interval", spec.getMonitoring().getInterval()});
    SloSpec slo = spec.getMonitoring().getSlo();
    if (slo != null) {
      fields.add(new String[] {"spec.monitoring.slo.for", slo.getHoldFor()});
      fields.add(new String[] {"spec.monitoring.slo.maxLatencyP99", slo.getMaxLatencyP99()});
    }
    fields.add(
        new String[] {
          "spec.rollout.analysis.interval", spec.getRollout().getAnalysis().getInterval()
        });
    fields.add(
        new String[] {"spec.rollout.progressDeadline", spec.getRollout().getProgressDeadline()});
    List<StepSpec> steps = spec.getRollout().getSteps();
    for (int i = 0; i < steps.size(); i++) {
      fields.add(
          new String[] {"spec.rollout.steps[" + i + "].duration", steps.get(i).getDuration()});
    }
    for (String[] field : fields) {
      if (field[1] != null && !field[1].matches(Durations.PATTERN)) {
        return Optional.of(
            field[0] + " '" + field[1] + "' must be a duration like 500ms, 30s, 2m or 1h");
      }
    }
    return Optional.empty();
  }

  private static Optional<String> stepsIncreasing(ModelDeploymentSpec spec) {
    int previous = 0;
    for (StepSpec step : spec.getRollout().getSteps()) {
      Integer weight = step.getWeight();
      if (weight == null || weight <= previous || weight > 100) {
        return Optional.of(
            "spec.rollout.steps weights must be strictly increasing and between 1 and 100,"
                + " for example [{weight: 10, duration: 2m}, {weight: 50, duration: 5m}]");
      }
      previous = weight;
    }
    return Optional.empty();
  }

  private static Optional<String> gpuBudgetFitsOnePod(ModelDeploymentSpec spec) {
    Integer budget = spec.getRollout().getMaxExtraGpus();
    int gpus = spec.getServing().getGpus();
    if (budget != null && gpus > 0 && budget < gpus) {
      return Optional.of(
          "spec.rollout.maxExtraGpus ("
              + budget
              + ") must be at least spec.serving.gpus ("
              + gpus
              + "), or no canary pod fits; for example maxExtraGpus: "
              + gpus);
    }
    return Optional.empty();
  }

  private static Optional<String> routerSettings(ModelDeploymentSpec spec) {
    return Routers.of(spec.getRollout().getTraffic()).validate(spec.getRollout().getTraffic());
  }
}
