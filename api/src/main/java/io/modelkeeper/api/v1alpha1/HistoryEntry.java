package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The outcome of one rollout of a version. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HistoryEntry {

  @JsonPropertyDescription("The version that was rolled out.")
  private String version;

  @JsonPropertyDescription(
      "Model URI of the version that was rolled out, without userinfo, query string or fragment,"
          + " so credentials are not kept in history.")
  private String uri;

  @JsonPropertyDescription(
      "Revision (hash of version, full uri and checksums) that was rolled out.")
  private String revision;

  @JsonPropertyDescription("Promoted, RolledBack or Failed.")
  private RolloutResult result;

  @JsonPropertyDescription("When the outcome was decided (RFC 3339).")
  private String at;

  @JsonPropertyDescription("Why, in words.")
  private String reason;

  public String getVersion() {
    return version;
  }

  public void setVersion(String version) {
    this.version = version;
  }

  public String getUri() {
    return uri;
  }

  public void setUri(String uri) {
    this.uri = uri;
  }

  public String getRevision() {
    return revision;
  }

  public void setRevision(String revision) {
    this.revision = revision;
  }

  public RolloutResult getResult() {
    return result;
  }

  public void setResult(RolloutResult result) {
    this.result = result;
  }

  public String getAt() {
    return at;
  }

  public void setAt(String at) {
    this.at = at;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }
}
