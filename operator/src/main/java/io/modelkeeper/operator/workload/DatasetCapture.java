package io.modelkeeper.operator.workload;

import io.modelkeeper.api.v1alpha1.DatasetSpec;
import io.modelkeeper.api.v1alpha1.ModelRetraining;

/**
 * Where the model-server pods of a retrained ModelDeployment write their labelled rows: the
 * ModelRetraining's dataset claim, mounted read-write, in the directory {@code <modeldeployment>/}
 * of the claim, where training and evaluation pods read them; or, with spec.dataset.uri, a local
 * emptyDir whose finished files the server uploads under {@code <uri><modeldeployment>/}.
 *
 * @param claimName the PersistentVolumeClaim, or null with a bucket
 * @param directoryInClaim the capture directory, relative to the claim's (or emptyDir's) root
 * @param uri the ModelDeployment's own s3:// prefix of spec.dataset.uri, or null with a claim
 * @param storage how that prefix is reached (spec.dataset.s3 and credentialsSecret)
 */
public record DatasetCapture(
    String claimName, String directoryInClaim, String uri, ModelStorage storage) {

  /** The capture of {@code modelDeployment}'s rows for {@code retraining}, or null for none. */
  public static DatasetCapture of(ModelRetraining retraining, String modelDeployment) {
    if (retraining == null
        || retraining.getSpec() == null
        || retraining.getSpec().getDataset() == null) {
      return null;
    }
    DatasetSpec dataset = retraining.getSpec().getDataset();
    if (dataset.getUri() != null) {
      return new DatasetCapture(
          null,
          directoryInClaim(modelDeployment),
          dataset.getUri() + modelDeployment + "/",
          ModelStorage.of(dataset));
    }
    if (dataset.getClaimName() == null) {
      return null;
    }
    return new DatasetCapture(
        dataset.getClaimName(), directoryInClaim(modelDeployment), null, ModelStorage.NONE);
  }

  /** True when the rows go to a bucket through a local emptyDir. */
  public boolean inBucket() {
    return uri != null;
  }

  /** The directory of a ModelDeployment's captured rows, relative to the dataset claim's root. */
  public static String directoryInClaim(String modelDeployment) {
    return modelDeployment;
  }
}
