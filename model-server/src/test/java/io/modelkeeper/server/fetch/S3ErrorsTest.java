package io.modelkeeper.server.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * How each refusal of an S3 store reads: the store's error code and the spec field or Secret key to
 * fix, never a credential. The refusals a test server cannot give (a bad signature, a bucket in
 * another region, an expired token) are built here as the SDK reports them.
 */
class S3ErrorsTest {

  private static final URI MODEL = URI.create("s3://models/fraud/1/model.onnx");

  @TempDir Path dir;

  private S3Store store(boolean withSecret, Map<String, String> env) throws Exception {
    Optional<Path> secret = Optional.empty();
    if (withSecret) {
      Files.writeString(dir.resolve(S3Credentials.ACCESS_KEY_ID), "AKIAEXAMPLE123");
      Files.writeString(dir.resolve(S3Credentials.SECRET_ACCESS_KEY), "s3cr3t/value+xyz");
      Files.writeString(dir.resolve(S3Credentials.SESSION_TOKEN), "session-token-abc");
      secret = Optional.of(dir);
    }
    return S3Store.open(env, secret, FetchLimits.defaults());
  }

  static S3Exception refusal(int status, String code, Map<String, List<String>> headers) {
    return (S3Exception)
        S3Exception.builder()
            .statusCode(status)
            .message("refused")
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode(code)
                    .errorMessage("refused")
                    .sdkHttpResponse(
                        SdkHttpResponse.builder().statusCode(status).headers(headers).build())
                    .build())
            .build();
  }

  private String explain(S3Store store, int status, String code) {
    return store.explain(MODEL, "models", refusal(status, code, Map.of()));
  }

  @Test
  void eachRefusalNamesWhatToFix() throws Exception {
    try (S3Store store = store(true, Map.of(S3Store.REGION_ENV, "eu-west-1"))) {
      assertThat(explain(store, 403, "SignatureDoesNotMatch"))
          .isEqualTo(
              "the store refused the request's signature (SignatureDoesNotMatch): check"
                  + " AWS_SECRET_ACCESS_KEY in spec.model.credentialsSecret");
      assertThat(explain(store, 403, "InvalidAccessKeyId"))
          .contains(
              "(InvalidAccessKeyId): check AWS_ACCESS_KEY_ID in spec.model.credentialsSecret");
      assertThat(explain(store, 403, "AccessDenied"))
          .isEqualTo(
              "access to s3://models/fraud/1/model.onnx denied (AccessDenied): the credentials of"
                  + " spec.model.credentialsSecret may not read it; grant s3:GetObject on the"
                  + " object");
      assertThat(explain(store, 400, "ExpiredToken"))
          .contains("renew AWS_SESSION_TOKEN in spec.model.credentialsSecret");
      assertThat(explain(store, 404, "NoSuchKey"))
          .isEqualTo("no object s3://models/fraud/1/model.onnx (NoSuchKey): check spec.model.uri");
      assertThat(explain(store, 404, "NoSuchBucket"))
          .isEqualTo(
              "bucket 'models' does not exist at AWS S3 in eu-west-1 (NoSuchBucket): check"
                  + " spec.model.uri and spec.model.s3");
      assertThat(explain(store, 500, "InternalError"))
          .isEqualTo("the store refused s3://models/fraud/1/model.onnx (HTTP 500 InternalError)");
    }
  }

  @Test
  void aBucketInAnotherRegionIsNamedWithItsRegion() throws Exception {
    try (S3Store store = store(true, Map.of(S3Store.REGION_ENV, "eu-west-1"))) {
      assertThat(
              store.explain(
                  MODEL,
                  "models",
                  refusal(
                      301,
                      "PermanentRedirect",
                      Map.of("x-amz-bucket-region", List.of("ap-southeast-2")))))
          .isEqualTo(
              "bucket 'models' is not in region eu-west-1 (PermanentRedirect): set"
                  + " spec.model.s3.region to ap-southeast-2");
      assertThat(explain(store, 400, "AuthorizationHeaderMalformed"))
          .endsWith("set spec.model.s3.region to the bucket's region");
    }
  }

  @Test
  void anS3CompatibleStoreWithoutARegionIsSignedForUsEast1() throws Exception {
    try (S3Store store = store(false, Map.of(S3Store.ENDPOINT_ENV, "http://minio:9000"))) {
      assertThat(explain(store, 404, "NoSuchBucket"))
          .isEqualTo(
              "bucket 'models' does not exist at http://minio:9000 (NoSuchBucket): check"
                  + " spec.model.uri and spec.model.s3");
      assertThat(store.explain(MODEL, "models", refusal(301, "PermanentRedirect", Map.of())))
          .contains("is not in region us-east-1");
    }
  }

  @Test
  void anOptionalObjectIsTakenForMissingOnNoSuchKeyOrADenialButNeverOnAMissingBucket() {
    assertThat(S3Store.absent(refusal(404, "NoSuchKey", Map.of()))).isTrue();
    assertThat(S3Store.absent(refusal(403, "AccessDenied", Map.of()))).isTrue();
    assertThat(S3Store.absent(refusal(404, "NoSuchBucket", Map.of()))).isFalse();
    assertThat(S3Store.absent(refusal(403, "InvalidAccessKeyId", Map.of()))).isFalse();
    assertThat(S3Store.absent(refusal(403, "SignatureDoesNotMatch", Map.of()))).isFalse();
  }

  @Test
  void withoutASecretADenialNamesThePodsIdentity() throws Exception {
    try (S3Store store = store(false, Map.of(S3Store.REGION_ENV, "us-east-1"))) {
      assertThat(explain(store, 403, "AccessDenied"))
          .contains("the pod's identity (no spec.model.credentialsSecret");
    }
  }

  @Test
  void theSecretsValuesAreMaskedInAnyMessage() throws Exception {
    try (S3Store store = store(true, Map.of())) {
      assertThat(
              store.redact("signed with AKIAEXAMPLE123 and s3cr3t/value+xyz and session-token-abc"))
          .isEqualTo("signed with *** and *** and ***");
    }
  }

  @Test
  void anEndpointWithCredentialsOrAQueryIsRefusedNamingTheField() {
    for (String endpoint :
        List.of("ftp://store:21", "http://user:pw@store:9000", "http://store?x=1", "store:9000")) {
      assertThat(
              org.assertj.core.api.Assertions.catchThrowable(
                  () -> store(false, Map.of(S3Store.ENDPOINT_ENV, endpoint))))
          .as(endpoint)
          .isInstanceOf(FetchException.class)
          .hasMessageStartingWith("spec.model.s3.endpoint must be an http(s) URL")
          .hasMessageNotContaining("pw");
    }
  }
}
