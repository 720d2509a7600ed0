package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import java.util.List;
import java.util.Map;

/** How the model-server pods of a version run. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.executionProvider) || self.executionProvider != 'cuda' || (has(self.gpus) && self.gpus > 0)",
    message =
        "serving.executionProvider 'cuda' needs serving.gpus > 0; use 'auto' or 'cpu' for CPU-only pods, or set gpus: 1")
public class ServingSpec extends KnownFields {

  @Default("1")
  @Min(0)
  @Max(1000)
  @SpecReplicas
  @JsonPropertyDescription(
      "Number of model-server pods of the serving version. 0 stops serving without deleting the"
          + " ModelDeployment. The scale subresource sets it: kubectl scale, a HorizontalPodAutoscaler"
          + " or KEDA can scale the serving version.")
  private Integer replicas = 1;

  @Default("0")
  @Min(0)
  @Max(16)
  @JsonPropertyDescription(
      "GPUs per pod (the operator's GPU resource name, nvidia.com/gpu by default). 0 runs on CPU only.")
  private Integer gpus = 0;

  @Default("auto")
  @JsonPropertyDescription(
      "ONNX Runtime execution provider: auto (CUDA when gpus > 0, otherwise CPU, falling back to CPU if CUDA fails), cuda or cpu.")
  private ExecutionProvider executionProvider = ExecutionProvider.AUTO;

  @JsonPropertyDescription(
      "Model-server container image. Defaults to the operator's modelkeeper.model-server.image setting.")
  private String image;

  @JsonPropertyDescription("Dynamic batching of concurrent inference requests.")
  private BatchingSpec batching = new BatchingSpec();

  @JsonPropertyDescription(
      "CPU and memory requests and limits of the model-server container. GPU limits come from gpus and need not be set here.")
  private ResourceRequirements resources;

  @JsonPropertyDescription("Node labels the pods must match, for example a GPU node pool.")
  private Map<String, String> nodeSelector;

  @JsonPropertyDescription(
      "Extra tolerations for the pods. When gpus > 0 the NVIDIA GPU toleration is added.")
  private List<Toleration> tolerations;

  @JsonPropertyDescription("Pod affinity and anti-affinity rules.")
  private Affinity affinity;

  @JsonPropertyDescription(
      "Who may reach the model server: a separate admin port for feedback, quality, reference and"
          + " metrics, and bearer tokens from Secrets.")
  private AccessSpec access = new AccessSpec();

  @JsonPropertyDescription(
      "The fetch-model init container: its memory, and the size of the volume the model is downloaded into.")
  private FetchSpec fetch;

  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @Size(max = 253)
  @JsonPropertyDescription(
      "Optional ServiceAccount of this namespace the model pods run as, for the cloud's workload identity (IRSA's role-arn annotation, GKE or Azure workload identity) when an s3:// model has no credentialsSecret. The Kubernetes API token stays unmounted: the identity webhooks project their own token. Unset: the namespace's default ServiceAccount.")
  private String serviceAccountName;

  public String getServiceAccountName() {
    return serviceAccountName;
  }

  public void setServiceAccountName(String serviceAccountName) {
    this.serviceAccountName = serviceAccountName;
  }

  public FetchSpec getFetch() {
    return fetch;
  }

  public void setFetch(FetchSpec fetch) {
    this.fetch = fetch;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public Integer getGpus() {
    return gpus;
  }

  public void setGpus(Integer gpus) {
    this.gpus = gpus;
  }

  public ExecutionProvider getExecutionProvider() {
    return executionProvider;
  }

  public void setExecutionProvider(ExecutionProvider executionProvider) {
    this.executionProvider = executionProvider;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public BatchingSpec getBatching() {
    return batching;
  }

  public void setBatching(BatchingSpec batching) {
    this.batching = batching;
  }

  public ResourceRequirements getResources() {
    return resources;
  }

  public void setResources(ResourceRequirements resources) {
    this.resources = resources;
  }

  public Map<String, String> getNodeSelector() {
    return nodeSelector;
  }

  public void setNodeSelector(Map<String, String> nodeSelector) {
    this.nodeSelector = nodeSelector;
  }

  public List<Toleration> getTolerations() {
    return tolerations;
  }

  public void setTolerations(List<Toleration> tolerations) {
    this.tolerations = tolerations;
  }

  public Affinity getAffinity() {
    return affinity;
  }

  public void setAffinity(Affinity affinity) {
    this.affinity = affinity;
  }

  public AccessSpec getAccess() {
    return access;
  }

  public void setAccess(AccessSpec access) {
    this.access = access;
  }
}
