package io.modelkeeper.server.fetch;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Reads s3:// objects from AWS S3 or an S3-compatible store through the AWS SDK, as streams: the
 * store's settings come from {@link Settings}, the credentials from the mounted Secret ({@link
 * S3Credentials}) or else the SDK's default chain (the pod's workload identity). A failure reads as
 * one line naming the spec field to look at, never a credential.
 */
final class S3Store implements AutoCloseable {

  /** Environment of the fetch container that carries spec.model.s3. */
  static final String ENDPOINT_ENV = "MODELKEEPER_S3_ENDPOINT";

  static final String REGION_ENV = "MODELKEEPER_S3_REGION";
  static final String PATH_STYLE_ENV = "MODELKEEPER_S3_PATH_STYLE";

  /** Refusals of the key itself rather than of what it may read. */
  private static final Set<String> KEY_REFUSALS =
      Set.of(
          "InvalidAccessKeyId",
          "SignatureDoesNotMatch",
          "ExpiredToken",
          "TokenRefreshRequired",
          "InvalidToken");

  /** The spec field whose store a fetch container reads. */
  static final String MODEL_FIELD = "spec.model";

  /** A ModelRetraining's output store. */
  static final String OUTPUT_FIELD = "spec.output";

  /** A ModelRetraining's dataset store. */
  static final String DATASET_FIELD = "spec.dataset";

  /**
   * Names the spec field of the store: {@link #MODEL_FIELD} unless it says {@link #OUTPUT_FIELD}.
   */
  static final String FIELD_ENV = "MODELKEEPER_S3_FIELD";

  /** What the SDK signs with when neither the spec nor the pod's environment names a region. */
  private static final Region FALLBACK_REGION = Region.US_EAST_1;

  /** Where the bucket is served: spec.model.s3. */
  record Settings(Optional<URI> endpoint, Optional<String> region, boolean pathStyle) {

    static Settings fromEnv(Map<String, String> env) throws FetchException {
      return fromEnv(env, MODEL_FIELD);
    }

    /** The settings of the spec field {@code field} (spec.model, spec.output). */
    static Settings fromEnv(Map<String, String> env, String field) throws FetchException {
      Optional<URI> endpoint = Optional.empty();
      String endpointText = blankToNull(env.get(ENDPOINT_ENV));
      if (endpointText != null) {
        try {
          URI uri = URI.create(endpointText);
          if (uri.getScheme() == null
              || !uri.getScheme().matches("(?i)https?")
              || uri.getHost() == null
              || uri.getUserInfo() != null
              || uri.getQuery() != null) {
            throw new IllegalArgumentException("not a plain http(s) URL");
          }
          endpoint = Optional.of(uri);
        } catch (IllegalArgumentException e) {
          throw new FetchException(
              field
                  + ".s3.endpoint must be an http(s) URL such as https://minio.example:9000,"
                  + " without credentials or query ("
                  + ENDPOINT_ENV
                  + ")");
        }
      }
      return new Settings(
          endpoint,
          Optional.ofNullable(blankToNull(env.get(REGION_ENV))),
          Boolean.parseBoolean(env.getOrDefault(PATH_STYLE_ENV, "false").trim()));
    }
  }

  private final S3Client client;
  private final Settings settings;
  private final Region region;
  private final Optional<S3Credentials> credentials;
  private final String field;

  private S3Store(
      S3Client client,
      Settings settings,
      Region region,
      Optional<S3Credentials> credentials,
      String field) {
    this.client = client;
    this.settings = settings;
    this.region = region;
    this.credentials = credentials;
    this.field = field;
  }

  /**
   * A store client with these settings; with {@code credentials} from a Secret, or the default
   * chain when empty.
   */
  static S3Store open(Settings settings, Optional<S3Credentials> credentials, FetchLimits limits) {
    return open(settings, credentials, limits, MODEL_FIELD);
  }

  /** A store client whose messages name the spec field {@code field} (spec.model, spec.output). */
  static S3Store open(
      Settings settings, Optional<S3Credentials> credentials, FetchLimits limits, String field) {
    // An S3-compatible store takes any region; asking the environment for one could wait on an
    // instance-metadata lookup that only AWS answers.
    Region region =
        settings
            .region()
            .map(Region::of)
            .orElseGet(
                () -> settings.endpoint().isPresent() ? FALLBACK_REGION : regionOfEnvironment());
    AwsCredentialsProvider provider =
        credentials
            .<AwsCredentialsProvider>map(S3Credentials::provider)
            .orElseGet(() -> DefaultCredentialsProvider.builder().build());
    S3ClientBuilder builder =
        S3Client.builder()
            .httpClientBuilder(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(limits.connectTimeout())
                    .socketTimeout(limits.readTimeout()))
            .region(region)
            .credentialsProvider(provider)
            .forcePathStyle(settings.pathStyle())
            // An upload's body goes as it is, not aws-chunked, which not every S3-compatible
            // store decodes (s3rver stores the chunk framing as part of the object).
            .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
            // The file's sha256 is checked anyway, and many S3-compatible stores do not speak
            // the newer flexible checksums.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    settings.endpoint().ifPresent(builder::endpointOverride);
    return new S3Store(builder.build(), settings, region, credentials, field);
  }

  /** Reads the credentials of a mounted Secret directory for an s3:// uri. */
  static S3Store open(Map<String, String> env, Optional<Path> credentialsDir, FetchLimits limits)
      throws FetchException {
    // A retraining run's candidate is read from the store of spec.output, whose fields the
    // messages then name.
    String field =
        OUTPUT_FIELD.equals(env.get(FIELD_ENV)) || DATASET_FIELD.equals(env.get(FIELD_ENV))
            ? env.get(FIELD_ENV)
            : MODEL_FIELD;
    Optional<S3Credentials> credentials =
        credentialsDir.isPresent()
            ? Optional.of(S3Credentials.read(credentialsDir.get(), field))
            : Optional.empty();
    return open(Settings.fromEnv(env, field), credentials, limits, field);
  }

  /**
   * Opens the object an s3:// uri names; an optional object that does not exist gives empty. An
   * object larger than {@code maxBytes} fails before any byte is read.
   */
  Optional<InputStream> open(URI uri, boolean required, long maxBytes, long deadline)
      throws FetchException {
    String bucket = uri.getHost();
    String key = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
    if (bucket == null || key.isEmpty()) {
      throw new FetchException(
          "spec.model.uri '"
              + uri
              + "' must be s3://<bucket>/<key>, for example s3://models/fraud/7/model.onnx");
    }
    ResponseInputStream<GetObjectResponse> object;
    try {
      object = client.getObject(GetObjectRequest.builder().bucket(bucket).key(key).build());
    } catch (S3Exception e) {
      if (!required && absent(e)) {
        return Optional.empty();
      }
      throw new FetchException(redact(explain(uri, bucket, e)), e);
    } catch (SdkClientException e) {
      throw new FetchException(redact(unreachable(e)), e);
    } catch (SdkException e) {
      throw new FetchException(redact("cannot read " + uri + ": " + e.getMessage()), e);
    }
    Long length = object.response().contentLength();
    if (length != null && length > maxBytes) {
      object.abort();
      throw new FetchException(
          uri + " is " + length + " bytes, larger than the limit of " + maxBytes);
    }
    return Optional.of(new Bounded(object, deadline));
  }

  /**
   * Writes {@code file} as the object an s3:// uri names, replacing one already there.
   *
   * @throws FetchException naming the spec field to look at, never a credential
   */
  void put(URI uri, Path file) throws FetchException {
    String bucket = uri.getHost();
    String key = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
    if (bucket == null || key.isEmpty()) {
      throw new FetchException(field + ".uri '" + uri + "' must be s3://<bucket>/<prefix>/");
    }
    try {
      client.putObject(
          PutObjectRequest.builder().bucket(bucket).key(key).build(), RequestBody.fromFile(file));
    } catch (S3Exception e) {
      throw new FetchException(redact(explain(uri, bucket, e, "write", "s3:PutObject")), e);
    } catch (SdkClientException e) {
      throw new FetchException(redact(unreachable(e)), e);
    } catch (SdkException e) {
      throw new FetchException(redact("cannot write " + uri + ": " + e.getMessage()), e);
    }
  }

  /** One object under a prefix: its key, size and when it was last written. */
  record Listed(String key, long size, Instant lastModified) {}

  /**
   * Every object whose key starts with {@code prefix} in {@code bucket}, page by page; stops with
   * an error past {@code maxObjects}, so a hostile prefix cannot fill the memory with names.
   */
  List<Listed> list(String bucket, String prefix, int maxObjects) throws FetchException {
    URI where = URI.create("s3://" + bucket + "/" + prefix);
    List<Listed> objects = new ArrayList<>();
    try {
      for (ListObjectsV2Response page :
          client.listObjectsV2Paginator(
              ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).build())) {
        for (S3Object object : page.contents()) {
          if (objects.size() == maxObjects) {
            throw new FetchException(
                "more than "
                    + maxObjects
                    + " objects under "
                    + where
                    + ": check "
                    + field
                    + ".uri");
          }
          objects.add(new Listed(object.key(), object.size(), object.lastModified()));
        }
      }
    } catch (S3Exception e) {
      throw new FetchException(redact(explain(where, bucket, e, "list", "s3:ListBucket")), e);
    } catch (SdkClientException e) {
      throw new FetchException(redact(unreachable(e)), e);
    } catch (SdkException e) {
      throw new FetchException(redact("cannot list " + where + ": " + e.getMessage()), e);
    }
    return objects;
  }

  /**
   * True when an optional object is taken for missing: S3 answers 404 NoSuchKey, or 403
   * AccessDenied to a reader that may not list the bucket (IAM's s3:GetObject without
   * s3:ListBucket), for a key that does not exist. A missing bucket is never taken for that.
   */
  static boolean absent(S3Exception e) {
    String code = code(e);
    return (e.statusCode() == 404 && !"NoSuchBucket".equals(code))
        || (e.statusCode() == 403 && "AccessDenied".equals(code));
  }

  /** The message of a refusal by the store, naming what to fix. */
  String explain(URI uri, String bucket, S3Exception e) {
    return explain(uri, bucket, e, "read", "s3:GetObject");
  }

  /** The message of a refusal of {@code verb} ("read", "write"), which {@code action} allows. */
  String explain(URI uri, String bucket, S3Exception e, String verb, String action) {
    String code = code(e);
    String secretField = field + ".credentialsSecret";
    String who =
        credentials.isPresent()
            ? "the credentials of " + secretField
            : "the pod's identity (no " + secretField + ": the default AWS credentials chain)";
    if (credentials.isEmpty() && KEY_REFUSALS.contains(code)) {
      return "the store refused the credentials of the pod's identity ("
          + code
          + "; no "
          + secretField
          + ": the default AWS credentials chain): check the role or identity of"
          + (MODEL_FIELD.equals(field)
              ? " spec.serving.serviceAccountName"
              : " the pod's serviceAccountName");
    }
    return switch (code) {
      case "NoSuchKey" -> "no object " + uri + " (NoSuchKey): check " + field + ".uri";
      case "NoSuchBucket" ->
          "bucket '"
              + bucket
              + "' does not exist at "
              + where()
              + " (NoSuchBucket): check "
              + field
              + ".uri and "
              + field
              + ".s3";
      case "AccessDenied", "AllAccessDisabled", "AccountProblem" ->
          "access to "
              + uri
              + " denied ("
              + code
              + "): "
              + who
              + " may not "
              + verb
              + " it; grant "
              + action
              + ("s3:ListBucket".equals(action) ? " on the bucket" : " on the object");
      case "InvalidAccessKeyId" ->
          "the store does not know the access key (InvalidAccessKeyId): check AWS_ACCESS_KEY_ID"
              + " in "
              + secretField
              + (settings.endpoint().isPresent() ? " and " + field + ".s3.endpoint" : "");
      case "SignatureDoesNotMatch" ->
          "the store refused the request's signature (SignatureDoesNotMatch): check"
              + " AWS_SECRET_ACCESS_KEY in "
              + secretField;
      case "ExpiredToken", "TokenRefreshRequired", "InvalidToken" ->
          "the session token was refused ("
              + code
              + "): renew AWS_SESSION_TOKEN in "
              + secretField
              + " or leave it out";
      case "PermanentRedirect",
          "AuthorizationHeaderMalformed",
          "IllegalLocationConstraintException" ->
          wrongRegion(bucket, code, e);
      default -> {
        if (e.statusCode() == 301 || e.statusCode() == 307) {
          yield wrongRegion(bucket, code, e);
        }
        if (e.statusCode() == 403) {
          yield "access to "
              + uri
              + " denied (HTTP 403"
              + codeSuffix(code)
              + "): "
              + who
              + " may not "
              + verb
              + " it";
        }
        if (e.statusCode() == 404) {
          yield "no object " + uri + " (HTTP 404" + codeSuffix(code) + "): check " + field + ".uri";
        }
        yield "the store refused " + uri + " (HTTP " + e.statusCode() + codeSuffix(code) + ")";
      }
    };
  }

  private String wrongRegion(String bucket, String code, S3Exception e) {
    Optional<String> actual =
        e.awsErrorDetails() == null || e.awsErrorDetails().sdkHttpResponse() == null
            ? Optional.empty()
            : e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region");
    return "bucket '"
        + bucket
        + "' is not in region "
        + region.id()
        + " ("
        + code
        + "): set "
        + field
        + ".s3.region"
        + actual.map(r -> " to " + r).orElse(" to the bucket's region");
  }

  private String unreachable(SdkClientException e) {
    String message = String.valueOf(e.getMessage());
    if (message.contains("Unable to load credentials")) {
      return "no credentials for s3: set "
          + field
          + ".credentialsSecret, or give the pods an identity"
          + (MODEL_FIELD.equals(field)
              ? " (spec.serving.serviceAccountName with IRSA or workload identity)"
              : " (the pod's serviceAccountName with IRSA or workload identity)");
    }
    return "cannot reach the store at "
        + where()
        + ": "
        + message
        + " (check "
        + field
        + ".s3.endpoint)";
  }

  private String where() {
    return settings.endpoint().map(URI::toString).orElse("AWS S3 in " + region.id());
  }

  private static String code(S3Exception e) {
    return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null
        ? ""
        : e.awsErrorDetails().errorCode();
  }

  private static String codeSuffix(String code) {
    return code.isEmpty() ? "" : " " + code;
  }

  /** Whatever a message says, the Secret's values never appear in it. */
  String redact(String message) {
    return credentials.map(c -> c.redact(message)).orElse(message);
  }

  private static Region regionOfEnvironment() {
    try {
      return new DefaultAwsRegionProviderChain().getRegion();
    } catch (SdkClientException e) {
      return FALLBACK_REGION;
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  @Override
  public void close() {
    client.close();
  }

  /**
   * An object's body that stops at the download deadline, and reads a stalled socket as the read
   * timeout it is.
   */
  private static final class Bounded extends FilterInputStream {

    private final ResponseInputStream<GetObjectResponse> object;
    private final long deadline;

    Bounded(ResponseInputStream<GetObjectResponse> object, long deadline) {
      super(object);
      this.object = object;
      this.deadline = deadline;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (System.nanoTime() - deadline > 0) {
        object.abort();
        throw new TimedBody.Stopped("the download deadline passed (MODELKEEPER_FETCH_DEADLINE)");
      }
      try {
        return super.read(buffer, offset, length);
      } catch (SocketTimeoutException e) {
        object.abort();
        throw new TimedBody.Stopped(
            "no data within the read timeout (MODELKEEPER_FETCH_READ_TIMEOUT)");
      }
    }

    @Override
    public void close() throws IOException {
      // Closing before the end would drain the rest of a large object: abort instead.
      object.abort();
      super.close();
    }
  }
}
