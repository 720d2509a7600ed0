package io.modelkeeper.operator.workload;

import io.modelkeeper.api.v1alpha1.ArmStatus;
import io.modelkeeper.api.v1alpha1.ModelSpec;
import java.util.Objects;
import java.util.Optional;

/**
 * One concrete model file: the version, where it is fetched from, its checksum, its drift
 * reference's checksum and its revision, and the RetrainingRun that made it when it was retrained
 * rather than named in spec.model. Two files under one version string are two revisions, each with
 * its own Deployment, so a new uri or sha256 is rolled out as a canary like a new version.
 *
 * <p>Status records the uri redacted ({@link Redaction#uri}), so a version read back from status
 * may hold a uri that is not the one its revision was made from ({@link #knowsUri()} says); two
 * versions are the same file when their version and revision are, whichever uri they hold.
 *
 * @param run the RetrainingRun that made the file, or null when spec.model names it
 * @param retrainedFrom revision of the spec.model the retrained file descends from, or null
 */
public record ModelVersion(
    String version,
    String uri,
    String sha256,
    String referenceSha256,
    String revision,
    ModelStorage storage,
    String run,
    String retrainedFrom) {

  /**
   * Hex digits of the revision: 32 bits, so two files of one ModelDeployment never share one in
   * practice.
   */
  static final int REVISION_CHARS = 8;

  public ModelVersion {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(uri, "uri");
    sha256 = sha256 == null || sha256.isBlank() ? null : sha256;
    referenceSha256 = referenceSha256 == null || referenceSha256.isBlank() ? null : referenceSha256;
    revision = revision == null ? revisionOf(version, uri, sha256, referenceSha256) : revision;
    storage = storage == null ? ModelStorage.NONE : storage;
  }

  /** The Secret with the storage credentials, or null. */
  public String credentialsSecret() {
    return storage.credentialsSecret();
  }

  /** The file at {@code uri} as written: its revision is computed from it. */
  public ModelVersion(String version, String uri, String sha256) {
    this(version, uri, sha256, null, null, null, null, null);
  }

  /**
   * The same file reached through {@code storage} (credentials and store settings are not part of
   * the revision: the same file under other credentials is the same file).
   */
  public ModelVersion withStorage(ModelStorage storage) {
    return new ModelVersion(
        version, uri, sha256, referenceSha256, revision, storage, run, retrainedFrom);
  }

  /** The version the spec asks for. */
  public static ModelVersion of(ModelSpec model) {
    return new ModelVersion(
        model.getVersion(),
        model.getUri(),
        model.getSha256(),
        model.getReferenceSha256(),
        null,
        ModelStorage.of(model),
        null,
        null);
  }

  /**
   * The version recorded in status, or null when none was. Status keeps neither the full uri nor
   * the credentials' Secret: {@link RecordedVersions} finds them.
   */
  public static ModelVersion of(ArmStatus arm) {
    if (arm == null || arm.getVersion() == null || arm.getUri() == null) {
      return null;
    }
    return new ModelVersion(
        arm.getVersion(),
        arm.getUri(),
        arm.getSha256(),
        arm.getReferenceSha256(),
        arm.getRevision(),
        null,
        arm.getRun(),
        arm.getRetrainedFrom());
  }

  /**
   * A short hash of version, uri and sha256: the same file always has the same revision, on any
   * operator and after any restart, so it can name Deployments and label pods.
   */
  static String revisionOf(String version, String uri, String sha256, String referenceSha256) {
    // The reference's checksum joins only when set, so the revisions of earlier files stay as
    // they were.
    return WorkloadNames.hash(
        version
            + "\n"
            + uri
            + "\n"
            + Objects.requireNonNullElse(sha256, "")
            + (referenceSha256 == null ? "" : "\n" + referenceSha256),
        REVISION_CHARS);
  }

  /**
   * True when {@link #uri()} is the uri the revision was made from, so a Deployment can fetch it;
   * false for a redacted uri read back from status.
   */
  public boolean knowsUri() {
    return revision.equals(revisionOf(version, uri, sha256, referenceSha256));
  }

  /** The same file from a uri found elsewhere (the spec, a Deployment), if it is this revision. */
  public Optional<ModelVersion> withUri(String candidate) {
    if (candidate == null) {
      return Optional.empty();
    }
    ModelVersion found =
        new ModelVersion(
            version, candidate, sha256, referenceSha256, null, storage, run, retrainedFrom);
    return found.equals(this) ? Optional.of(found) : Optional.empty();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ModelVersion that
        && version.equals(that.version)
        && revision.equals(that.revision);
  }

  @Override
  public int hashCode() {
    return Objects.hash(version, revision);
  }

  /** Without the uri's credentials: a ModelVersion may end up in a log line or a message. */
  @Override
  public String toString() {
    return "ModelVersion[version="
        + version
        + ", uri="
        + Redaction.uri(uri)
        + ", sha256="
        + sha256
        + ", referenceSha256="
        + referenceSha256
        + ", revision="
        + revision
        + ", storage="
        + storage
        + ", run="
        + run
        + ", retrainedFrom="
        + retrainedFrom
        + "]";
  }

  /**
   * Writes this file's identity (version, redacted uri, sha256 and revision) into a status arm, and
   * returns the arm. Status never holds the uri's credentials; the revision tells files apart.
   */
  public <T extends ArmStatus> T stamp(T arm) {
    arm.setVersion(version);
    arm.setUri(Redaction.uri(uri));
    arm.setSha256(sha256);
    arm.setReferenceSha256(referenceSha256);
    arm.setRevision(revision);
    arm.setRun(run);
    arm.setRetrainedFrom(retrainedFrom);
    return arm;
  }

  /**
   * How messages name it: the version and, as one version string can hold several files, the
   * revision.
   */
  public String describe() {
    return version
        + " (revision "
        + revision
        + (run == null ? "" : ", retrained by RetrainingRun " + run)
        + ")";
  }

  /** A file made by retraining run {@code run} from the spec.model file {@code base}. */
  public static ModelVersion retrained(
      String version, String uri, String sha256, String run, ModelVersion base) {
    return new ModelVersion(version, uri, sha256, null, null, null, run, base.revision());
  }

  /** True when a retraining run made this file from {@code specModel}. */
  public boolean retrainedFrom(ModelVersion specModel) {
    return run != null && specModel.revision().equals(retrainedFrom);
  }
}
