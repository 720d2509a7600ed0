package io.modelkeeper.operator.workload;

import io.modelkeeper.api.v1alpha1.ModelRetraining;

/**
 * Where the model-server pods of a retrained ModelDeployment write their labelled rows: the
 * ModelRetraining's dataset claim, mounted read-write, in the directory {@code <modeldeployment>/}
 * of the claim, where training and evaluation pods read them.
 *
 * @param claimName the PersistentVolumeClaim
 * @param directoryInClaim the capture directory, relative to the claim's root
 */
public record DatasetCapture(String claimName, String directoryInClaim) {

  /** The capture of {@code modelDeployment}'s rows for {@code retraining}, or null for none. */
  public static DatasetCapture of(ModelRetraining retraining, String modelDeployment) {
    if (retraining == null
        || retraining.getSpec() == null
        || retraining.getSpec().getDataset() == null
        || retraining.getSpec().getDataset().getClaimName() == null) {
      return null;
    }
    return new DatasetCapture(
        retraining.getSpec().getDataset().getClaimName(), directoryInClaim(modelDeployment));
  }

  /** The directory of a ModelDeployment's captured rows, relative to the dataset claim's root. */
  public static String directoryInClaim(String modelDeployment) {
    return modelDeployment;
  }
}
