package io.modelkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** Where an s3:// model's bucket is served: AWS S3 by default, or an S3-compatible store. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class S3Spec extends KnownFields {

  /** An http(s) URL without userinfo, query or fragment. */
  public static final String ENDPOINT_PATTERN = "^https?://[^\\s/?#@]+(/[^\\s?#@]*)?$";

  /** An AWS-style region name: us-east-1, eu-central-1, or a store's own such as garage. */
  public static final String REGION_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

  @Pattern(ENDPOINT_PATTERN)
  @Size(max = 512)
  @JsonPropertyDescription(
      "Optional URL of an S3-compatible store (MinIO, Ceph RGW, a cloud vendor's S3 API), such as https://minio.storage.svc:9000. Unset: AWS S3 of the region. No userinfo, query string or fragment: credentials come from spec.model.credentialsSecret or the pod's identity.")
  private String endpoint;

  @Pattern(REGION_PATTERN)
  @Size(max = 64)
  @JsonPropertyDescription(
      "Region of the bucket, such as eu-central-1. Unset: us-east-1 with an endpoint; for AWS S3 the region of the pod's environment (AWS_REGION, the instance's metadata), else us-east-1. A bucket in another region fails the fetch with a message naming its region.")
  private String region;

  @JsonPropertyDescription(
      "Address the bucket in the path (https://endpoint/bucket/key) instead of the host name (https://bucket.endpoint/key). Most S3-compatible stores need true. Default false.")
  private Boolean pathStyle;

  public String getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  public String getRegion() {
    return region;
  }

  public void setRegion(String region) {
    this.region = region;
  }

  public Boolean getPathStyle() {
    return pathStyle;
  }

  public void setPathStyle(Boolean pathStyle) {
    this.pathStyle = pathStyle;
  }
}
