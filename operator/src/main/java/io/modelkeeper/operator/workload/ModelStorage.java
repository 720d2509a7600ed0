package io.modelkeeper.operator.workload;

import io.modelkeeper.api.v1alpha1.DatasetSpec;
import io.modelkeeper.api.v1alpha1.ModelSpec;
import io.modelkeeper.api.v1alpha1.OutputSpec;
import io.modelkeeper.api.v1alpha1.S3Spec;

/**
 * How a model file is reached rather than which file it is: the Secret with the storage
 * credentials, and for s3:// the store's endpoint, region and addressing. None of it is part of a
 * revision (the same file under other credentials is the same file), and none of it is secret: the
 * Secret is named, never read.
 *
 * @param credentialsSecret spec.model.credentialsSecret, or null
 * @param s3Endpoint spec.model.s3.endpoint, or null for AWS S3
 * @param s3Region spec.model.s3.region, or null for the pod environment's region
 */
public record ModelStorage(
    String credentialsSecret, String s3Endpoint, String s3Region, boolean s3PathStyle) {

  /** Nothing set: no Secret, and AWS S3 as the pod's environment finds it. */
  public static final ModelStorage NONE = new ModelStorage(null, null, null, false);

  /** Only a credentials Secret. */
  public static ModelStorage withSecret(String credentialsSecret) {
    return new ModelStorage(credentialsSecret, null, null, false);
  }

  /** What spec.model says. */
  public static ModelStorage of(ModelSpec model) {
    return of(model.getCredentialsSecret(), model.getS3());
  }

  /** What a ModelRetraining's spec.output says: how its s3:// candidates are reached. */
  public static ModelStorage of(OutputSpec output) {
    return of(output.getCredentialsSecret(), output.getS3());
  }

  /** What a ModelRetraining's spec.dataset says: how its s3:// capture prefix is reached. */
  public static ModelStorage of(DatasetSpec dataset) {
    return of(dataset.getCredentialsSecret(), dataset.getS3());
  }

  private static ModelStorage of(String credentialsSecret, S3Spec s3) {
    return new ModelStorage(
        credentialsSecret,
        s3 == null ? null : s3.getEndpoint(),
        s3 == null ? null : s3.getRegion(),
        s3 != null && Boolean.TRUE.equals(s3.getPathStyle()));
  }
}
