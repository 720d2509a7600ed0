package io.modelkeeper.server.fetch;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Flow;
import java.util.regex.Pattern;

/**
 * Copies a model from an http(s)://, s3:// or file:// URI into a directory as {@code model.onnx},
 * checking its size, sha256 and that it looks like an ONNX model, and brings along a sibling {@code
 * reference.json} when the source has one (checked against its own sha256 when one is given).
 * Downloads stop at the size limit, when the host stalls, and at the deadline.
 */
public final class ModelFetcher {

  public static final String MODEL_FILE = "model.onnx";
  public static final String REFERENCE_FILE = "reference.json";
  private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

  private final HttpClient http;
  private final FetchLimits limits;
  private final Optional<String> authorization;
  private S3Store s3;

  public ModelFetcher(FetchLimits limits) {
    this(limits, Optional.empty());
  }

  /**
   * A fetcher that sends {@code authorization} as the Authorization header of every HTTP request.
   * It follows no redirect then, so the credentials never go to another host: a redirect is an
   * error naming its status.
   */
  public ModelFetcher(FetchLimits limits, Optional<String> authorization) {
    this.limits = limits;
    this.authorization = authorization;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(limits.connectTimeout())
            .followRedirects(
                authorization.isPresent() ? HttpClient.Redirect.NEVER : HttpClient.Redirect.NORMAL)
            .build();
  }

  /** This fetcher's limits with {@code authorization} sent on every HTTP request. */
  public ModelFetcher withAuthorization(String authorization) {
    return new ModelFetcher(limits, Optional.of(authorization));
  }

  /** This fetcher reading s3:// uris from {@code store}. */
  ModelFetcher withS3(S3Store store) {
    ModelFetcher fetcher = new ModelFetcher(limits, authorization);
    fetcher.s3 = store;
    return fetcher;
  }

  public ModelFetcher() {
    this(FetchLimits.defaults());
  }

  /**
   * Fetches the model and its sibling reference into {@code directory}, returning the path of the
   * verified model file, all within one deadline. A missing reference is fine unless its sha256 is
   * given; one that cannot be read or does not match fails the fetch.
   */
  public Path fetch(
      String uriText,
      Optional<String> expectedSha256,
      Optional<String> referenceSha256,
      Path directory)
      throws FetchException {
    long deadline = deadline();
    Path model = fetchModel(uriText, expectedSha256, directory, deadline);
    fetchReference(uriText, referenceSha256, directory, deadline);
    return model;
  }

  /** Fetches only the model into {@code directory}, returning the path of the verified file. */
  public Path fetchModel(String uriText, Optional<String> expectedSha256, Path directory)
      throws FetchException {
    return fetchModel(uriText, expectedSha256, directory, deadline());
  }

  /**
   * Copies {@code reference.json} from beside the model's URI into {@code directory}. Empty when
   * the source has none (HTTP 404, no such file) and no sha256 is expected; any other failure
   * throws, naming the reference.
   */
  public Optional<Path> fetchReference(
      String modelUriText, Optional<String> expectedSha256, Path directory) throws FetchException {
    return fetchReference(modelUriText, expectedSha256, directory, deadline());
  }

  private long deadline() {
    return System.nanoTime() + limits.deadline().toNanos();
  }

  private Path fetchModel(
      String uriText, Optional<String> expectedSha256, Path directory, long deadline)
      throws FetchException {
    URI uri = parse(uriText);
    Optional<String> expected = checksum(expectedSha256, "MODELKEEPER_MODEL_SHA256");
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new FetchException(
          "cannot create model directory " + directory + ": " + e.getMessage(), e);
    }
    Path target = directory.resolve(MODEL_FILE);
    Path partial =
        copyVerified(
            open(uri, true, limits.maxModelBytes(), deadline).orElseThrow(),
            uri,
            expected,
            directory.resolve(MODEL_FILE + ".part"),
            limits.maxModelBytes(),
            "MODELKEEPER_MAX_MODEL_SIZE");
    try {
      checkOnnx(partial, uriText);
    } catch (FetchException e) {
      deleteQuietly(partial);
      throw e;
    }
    moveInto(partial, target);
    return target;
  }

  private Optional<Path> fetchReference(
      String modelUriText, Optional<String> expectedSha256, Path directory, long deadline)
      throws FetchException {
    URI reference = parse(modelUriText).resolve(REFERENCE_FILE);
    Optional<String> expected = checksum(expectedSha256, "MODELKEEPER_REFERENCE_SHA256");
    Optional<InputStream> source =
        open(reference, expected.isPresent(), FetchLimits.MAX_REFERENCE_BYTES, deadline);
    if (source.isEmpty()) {
      return Optional.empty();
    }
    Path target = directory.resolve(REFERENCE_FILE);
    Path partial =
        copyVerified(
            source.get(),
            reference,
            expected,
            directory.resolve(REFERENCE_FILE + ".part"),
            FetchLimits.MAX_REFERENCE_BYTES,
            null);
    moveInto(partial, target);
    return Optional.of(target);
  }

  /**
   * Copies a source to {@code partial} up to {@code maxBytes}, checking the sha256 when one is
   * expected; deletes the partial file on any failure.
   */
  private static Path copyVerified(
      InputStream source,
      URI uri,
      Optional<String> expected,
      Path partial,
      long maxBytes,
      String limitSetting)
      throws FetchException {
    String actual;
    try (InputStream in = source;
        OutputStream out = Files.newOutputStream(partial)) {
      actual = copyHashing(in, out, maxBytes);
    } catch (TooLarge e) {
      deleteQuietly(partial);
      throw new FetchException(
          uri
              + " is larger than "
              + maxBytes
              + " bytes"
              + (limitSetting == null ? "" : " (" + limitSetting + ")"),
          e);
    } catch (TimedBody.Stopped e) {
      deleteQuietly(partial);
      throw new FetchException("download of " + uri + " stopped: " + e.getMessage(), e);
    } catch (IOException e) {
      deleteQuietly(partial);
      throw new FetchException("cannot copy " + uri + " to " + partial + ": " + e.getMessage(), e);
    }
    if (expected.isPresent() && !expected.get().equalsIgnoreCase(actual)) {
      deleteQuietly(partial);
      throw new FetchException(
          "sha256 mismatch for "
              + uri
              + ": expected "
              + expected.get().toLowerCase(Locale.ROOT)
              + ", got "
              + actual);
    }
    return partial;
  }

  private static void moveInto(Path partial, Path target) throws FetchException {
    try {
      Files.move(
          partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      deleteQuietly(partial);
      throw new FetchException(
          "cannot move " + partial + " to " + target + ": " + e.getMessage(), e);
    }
  }

  private static Optional<String> checksum(Optional<String> given, String setting)
      throws FetchException {
    Optional<String> expected = given.map(String::trim).filter(s -> !s.isEmpty());
    if (expected.isPresent() && !SHA256.matcher(expected.get()).matches()) {
      throw new FetchException(setting + " must be 64 hex digits, got '" + expected.get() + "'");
    }
    return expected;
  }

  /** Checks the sha256 of a local file, for the server's direct file:// loading. */
  public static void verifySha256(Path file, Optional<String> expectedSha256)
      throws FetchException {
    Optional<String> expected = expectedSha256.map(String::trim).filter(s -> !s.isEmpty());
    if (expected.isEmpty()) {
      return;
    }
    try (InputStream in = Files.newInputStream(file)) {
      String actual = copyHashing(in, OutputStream.nullOutputStream(), Long.MAX_VALUE);
      if (!expected.get().equalsIgnoreCase(actual)) {
        throw new FetchException(
            "sha256 mismatch for "
                + file
                + ": expected "
                + expected.get().toLowerCase(Locale.ROOT)
                + ", got "
                + actual);
      }
    } catch (IOException e) {
      throw new FetchException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  static URI parse(String uriText) throws FetchException {
    if (uriText == null || uriText.isBlank()) {
      throw new FetchException("MODELKEEPER_MODEL_URI is not set");
    }
    URI uri;
    try {
      uri = URI.create(uriText.trim());
    } catch (IllegalArgumentException e) {
      throw new FetchException("MODELKEEPER_MODEL_URI is not a valid URI: " + uriText, e);
    }
    String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
    if (!scheme.equals("http")
        && !scheme.equals("https")
        && !scheme.equals("file")
        && !scheme.equals("s3")) {
      throw new FetchException(
          "MODELKEEPER_MODEL_URI scheme '"
              + uri.getScheme()
              + "' is not supported (use http, https, s3 or file): "
              + uriText);
    }
    return uri;
  }

  /**
   * Opens a source; an optional source that does not exist gives empty instead of failing. A size
   * announced above {@code maxBytes} fails before any byte is read.
   */
  private Optional<InputStream> open(URI uri, boolean required, long maxBytes, long deadline)
      throws FetchException {
    if ("file".equalsIgnoreCase(uri.getScheme())) {
      return openFile(uri, required, maxBytes);
    }
    if ("s3".equalsIgnoreCase(uri.getScheme())) {
      return s3Store().open(uri, required, maxBytes, deadline);
    }
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new FetchException(
          "download of "
              + uri
              + " stopped: the download deadline passed"
              + " (MODELKEEPER_FETCH_DEADLINE)");
    }
    Duration headers = Duration.ofNanos(Math.min(left, limits.readTimeout().toNanos()));
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(headers).GET();
    authorization.ifPresent(value -> builder.header("Authorization", value));
    HttpRequest request = builder.build();
    HttpResponse<Flow.Publisher<List<ByteBuffer>>> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofPublisher());
    } catch (HttpConnectTimeoutException e) {
      throw new FetchException(
          "cannot reach "
              + uri.getAuthority()
              + ": connect timed out after "
              + FetchLimits.describe(limits.connectTimeout())
              + " (MODELKEEPER_FETCH_CONNECT_TIMEOUT)",
          e);
    } catch (HttpTimeoutException e) {
      throw new FetchException(
          "no response from "
              + uri.getAuthority()
              + " within "
              + FetchLimits.describe(headers)
              + " (MODELKEEPER_FETCH_READ_TIMEOUT)",
          e);
    } catch (ConnectException e) {
      throw new FetchException("cannot reach " + uri.getAuthority() + ": connection refused", e);
    } catch (IOException e) {
      throw new FetchException("cannot reach " + uri.getAuthority() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FetchException("interrupted while fetching " + uri, e);
    }
    TimedBody body = new TimedBody(limits.readTimeout(), deadline);
    response.body().subscribe(body);
    int status = response.statusCode();
    if (status == 404 && !required) {
      body.close();
      return Optional.empty();
    }
    if (status / 100 != 2) {
      body.close();
      throw new FetchException(
          "HTTP "
              + status
              + " from "
              + uri
              + (status / 100 == 3 && authorization.isPresent()
                  ? " (with model credentials no redirect is followed)"
                  : ""));
    }
    OptionalLong announced = response.headers().firstValueAsLong("Content-Length");
    if (announced.isPresent() && announced.getAsLong() > maxBytes) {
      body.close();
      throw new FetchException(
          uri
              + " is "
              + announced.getAsLong()
              + " bytes (Content-Length), larger than the limit of "
              + maxBytes);
    }
    return Optional.of(body);
  }

  /**
   * The store s3:// uris are read from: the one given, or else one with the settings of the
   * environment and the pod's identity.
   */
  private synchronized S3Store s3Store() throws FetchException {
    if (s3 == null) {
      s3 = S3Store.open(System.getenv(), Optional.empty(), limits);
    }
    return s3;
  }

  private static Optional<InputStream> openFile(URI uri, boolean required, long maxBytes)
      throws FetchException {
    try {
      Path file = Path.of(uri);
      if (Files.size(file) > maxBytes) {
        throw new FetchException(
            uri + " is " + Files.size(file) + " bytes, larger than the limit of " + maxBytes);
      }
      return Optional.of(Files.newInputStream(file));
    } catch (NoSuchFileException e) {
      if (!required) {
        return Optional.empty();
      }
      throw new FetchException("file not found: " + uri.getPath(), e);
    } catch (IOException | IllegalArgumentException e) {
      throw new FetchException("cannot read " + uri + ": " + e.getMessage(), e);
    }
  }

  /** More bytes than the limit arrived. */
  private static final class TooLarge extends IOException {}

  private static String copyHashing(InputStream source, OutputStream out, long maxBytes)
      throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    for (int n = source.read(buffer); n >= 0; n = source.read(buffer)) {
      total += n;
      if (total > maxBytes) {
        throw new TooLarge();
      }
      digest.update(buffer, 0, n);
      out.write(buffer, 0, n);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /**
   * A file is taken for ONNX when it is a ModelProto with an IR version and a graph with outputs.
   * Read as a stream of fields, skipping the weights, so that checking a large model costs no heap.
   */
  public static void checkOnnx(Path file, String uriText) throws FetchException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      CodedInputStream coded = CodedInputStream.newInstance(in);
      coded.setSizeLimit(Integer.MAX_VALUE);
      long irVersion = 0;
      int outputs = 0;
      boolean graph = false;
      for (int tag = coded.readTag(); tag != 0; tag = coded.readTag()) {
        int field = WireFormat.getTagFieldNumber(tag);
        int wireType = WireFormat.getTagWireType(tag);
        if (field == OnnxMl.ModelProto.IR_VERSION_FIELD_NUMBER
            && wireType == WireFormat.WIRETYPE_VARINT) {
          irVersion = coded.readInt64();
        } else if (field == OnnxMl.ModelProto.GRAPH_FIELD_NUMBER
            && wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
          graph = true;
          outputs += graphOutputs(coded);
        } else if (!coded.skipField(tag)) {
          break;
        }
      }
      if (irVersion <= 0 || !graph || outputs == 0) {
        throw new FetchException("not an ONNX model (no IR version or graph): " + uriText);
      }
    } catch (InvalidProtocolBufferException e) {
      throw new FetchException("not an ONNX model (" + e.getMessage() + "): " + uriText, e);
    } catch (IOException e) {
      throw new FetchException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static int graphOutputs(CodedInputStream coded) throws IOException {
    int limit = coded.pushLimit(coded.readRawVarint32());
    int outputs = 0;
    while (!coded.isAtEnd()) {
      int tag = coded.readTag();
      if (WireFormat.getTagFieldNumber(tag) == OnnxMl.GraphProto.OUTPUT_FIELD_NUMBER) {
        outputs++;
      }
      if (!coded.skipField(tag)) {
        break;
      }
    }
    coded.popLimit(limit);
    return outputs;
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // Best effort: the reason the caller reports matters more than a leftover partial file.
    }
  }
}
