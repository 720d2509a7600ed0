package io.modelkeeper.operator.workload;

import io.modelkeeper.api.v1alpha1.ArmStatus;
import io.modelkeeper.api.v1alpha1.ModelSpec;
import java.util.Objects;

/**
 * One concrete model file: the version, where it is fetched from and its checksum, and the
 * RetrainingRun that made it when it was retrained rather than named in spec.model. Two files under
 * one version string are two revisions, each with its own Deployment, so a new uri or sha256 is
 * rolled out as a canary like a new version.
 *
 * @param run the RetrainingRun that made the file, or null when spec.model names it
 * @param retrainedFrom revision of the spec.model the retrained file descends from, or null
 */
public record ModelVersion(
    String version, String uri, String sha256, String run, String retrainedFrom) {

  /**
   * Hex digits of the revision: 32 bits, so two files of one ModelDeployment never share one in
   * practice.
   */
  static final int REVISION_CHARS = 8;

  public ModelVersion {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(uri, "uri");
    sha256 = sha256 == null || sha256.isBlank() ? null : sha256;
  }

  /**
   * A model file named in spec.model, not made by a retraining run.
   *
   * @param version the version string
   * @param uri where the file is
   * @param sha256 its checksum, or null
   */
  public ModelVersion(String version, String uri, String sha256) {
    this(version, uri, sha256, null, null);
  }

  /** The version the spec asks for. */
  public static ModelVersion of(ModelSpec model) {
    return new ModelVersion(model.getVersion(), model.getUri(), model.getSha256());
  }

  /** The version recorded in status, or null when none was. */
  public static ModelVersion of(ArmStatus arm) {
    if (arm == null || arm.getVersion() == null || arm.getUri() == null) {
      return null;
    }
    return new ModelVersion(
        arm.getVersion(), arm.getUri(), arm.getSha256(), arm.getRun(), arm.getRetrainedFrom());
  }

  /**
   * A short hash of version, uri and sha256: the same file always has the same revision, on any
   * operator and after any restart, so it can name Deployments and label pods.
   */
  public String revision() {
    return WorkloadNames.hash(
        version + "\n" + uri + "\n" + Objects.requireNonNullElse(sha256, ""), REVISION_CHARS);
  }

  /**
   * Writes this file's identity (version, uri, sha256, run and revision) into a status arm, and
   * returns the arm.
   */
  public <T extends ArmStatus> T stamp(T arm) {
    arm.setVersion(version);
    arm.setUri(uri);
    arm.setSha256(sha256);
    arm.setRun(run);
    arm.setRetrainedFrom(retrainedFrom);
    arm.setRevision(revision());
    return arm;
  }

  /**
   * How messages name it: the version and, as one version string can hold several files, the
   * revision.
   */
  /** A file made by retraining run {@code run} from the spec.model file {@code base}. */
  public static ModelVersion retrained(
      String version, String uri, String sha256, String run, ModelVersion base) {
    return new ModelVersion(version, uri, sha256, run, base.revision());
  }

  /** True when a retraining run made this file from {@code specModel}. */
  public boolean retrainedFrom(ModelVersion specModel) {
    return run != null && specModel.revision().equals(retrainedFrom);
  }

  public String describe() {
    return version
        + " (revision "
        + revision()
        + (run == null ? "" : ", retrained by RetrainingRun " + run)
        + ")";
  }
}
