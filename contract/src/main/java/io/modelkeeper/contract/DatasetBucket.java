package io.modelkeeper.contract;

/**
 * The environment through which the operator tells the model-server image about a dataset in a
 * bucket (spec.dataset.uri): the {@code fetch-dataset} init container of training and evaluation
 * pods, and the capture uploader of the model-server container.
 */
public final class DatasetBucket {

  /** The ModelDeployment's own prefix, {@code s3://<bucket>/<prefix>/<modeldeployment>/}. */
  public static final String URI = "MODELKEEPER_DATASET_URI";

  /** Where spec.dataset.credentialsSecret is mounted, when it is set. */
  public static final String CREDENTIALS_DIR = "MODELKEEPER_DATASET_CREDENTIALS_DIR";

  /** The download's cap on all objects together, in bytes (spec.dataset.maxDownloadSize). */
  public static final String MAX_BYTES = "MODELKEEPER_DATASET_MAX_BYTES";

  /** The image's argument that downloads the dataset instead of serving. */
  public static final String FETCH_COMMAND = "fetch-dataset";

  /** The largest single object downloaded: four times the model server's default capture file. */
  public static final long MAX_OBJECT_BYTES = 256L << 20;

  private DatasetBucket() {}
}
