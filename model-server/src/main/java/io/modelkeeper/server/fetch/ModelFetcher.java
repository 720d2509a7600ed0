package io.modelkeeper.server.fetch;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;
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
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Copies a model from an http(s):// or file:// URI into a directory as {@code model.onnx}, checking
 * its sha256 and that it parses as an ONNX model, and brings along a sibling {@code reference.json}
 * when the source has one.
 */
public final class ModelFetcher {

  public static final String MODEL_FILE = "model.onnx";
  public static final String REFERENCE_FILE = "reference.json";
  private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

  private final HttpClient http;
  private final Duration requestTimeout;

  public ModelFetcher(Duration connectTimeout, Duration requestTimeout) {
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    this.requestTimeout = requestTimeout;
  }

  public ModelFetcher() {
    this(Duration.ofSeconds(10), Duration.ofMinutes(10));
  }

  /**
   * Fetches the model and its sibling reference into {@code directory}, returning the path of the
   * verified model file. A missing reference is fine; one that cannot be read fails the fetch.
   */
  public Path fetch(String uriText, Optional<String> expectedSha256, Path directory)
      throws FetchException {
    Path model = fetchModel(uriText, expectedSha256, directory);
    fetchReference(uriText, directory);
    return model;
  }

  /** Fetches only the model into {@code directory}, returning the path of the verified file. */
  public Path fetchModel(String uriText, Optional<String> expectedSha256, Path directory)
      throws FetchException {
    URI uri = parse(uriText);
    Optional<String> expected = expectedSha256.map(String::trim).filter(s -> !s.isEmpty());
    if (expected.isPresent() && !SHA256.matcher(expected.get()).matches()) {
      throw new FetchException(
          "MODELKEEPER_MODEL_SHA256 must be 64 hex digits, got '" + expected.get() + "'");
    }
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new FetchException(
          "cannot create model directory " + directory + ": " + e.getMessage(), e);
    }
    Path partial = directory.resolve(MODEL_FILE + ".part");
    Path target = directory.resolve(MODEL_FILE);
    String actual;
    try (InputStream source = open(uri, true).orElseThrow();
        OutputStream out = Files.newOutputStream(partial)) {
      actual = copyHashing(source, out);
    } catch (IOException e) {
      deleteQuietly(partial);
      throw new FetchException("cannot write " + partial + ": " + e.getMessage(), e);
    }
    if (expected.isPresent() && !expected.get().equalsIgnoreCase(actual)) {
      deleteQuietly(partial);
      throw new FetchException(
          "sha256 mismatch for "
              + uriText
              + ": expected "
              + expected.get().toLowerCase(Locale.ROOT)
              + ", got "
              + actual);
    }
    try {
      checkOnnx(partial, uriText);
    } catch (FetchException e) {
      deleteQuietly(partial);
      throw e;
    }
    try {
      Files.move(
          partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new FetchException("cannot move model into " + target + ": " + e.getMessage(), e);
    }
    return target;
  }

  /** Checks the sha256 of a local file, for the server's direct file:// loading. */
  public static void verifySha256(Path file, Optional<String> expectedSha256)
      throws FetchException {
    Optional<String> expected = expectedSha256.map(String::trim).filter(s -> !s.isEmpty());
    if (expected.isEmpty()) {
      return;
    }
    try (InputStream in = Files.newInputStream(file)) {
      String actual = copyHashing(in, OutputStream.nullOutputStream());
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
    if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals("file")) {
      throw new FetchException(
          "MODELKEEPER_MODEL_URI scheme '"
              + uri.getScheme()
              + "' is not supported (use http, https or file): "
              + uriText);
    }
    return uri;
  }

  /**
   * Opens a source; an absent optional source that does not exist gives empty instead of failing.
   */
  private Optional<InputStream> open(URI uri, boolean required) throws FetchException {
    if ("file".equalsIgnoreCase(uri.getScheme())) {
      try {
        return Optional.of(Files.newInputStream(Path.of(uri)));
      } catch (NoSuchFileException e) {
        if (!required) {
          return Optional.empty();
        }
        throw new FetchException("file not found: " + uri.getPath(), e);
      } catch (IOException | IllegalArgumentException e) {
        throw new FetchException("cannot read " + uri + ": " + e.getMessage(), e);
      }
    }
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(requestTimeout).GET().build();
    HttpResponse<InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpConnectTimeoutException e) {
      throw new FetchException("cannot reach " + uri.getAuthority() + ": connect timed out", e);
    } catch (HttpTimeoutException e) {
      throw new FetchException("download of " + uri + " timed out", e);
    } catch (ConnectException e) {
      throw new FetchException("cannot reach " + uri.getAuthority() + ": connection refused", e);
    } catch (IOException e) {
      throw new FetchException("cannot reach " + uri.getAuthority() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FetchException("interrupted while fetching " + uri, e);
    }
    int status = response.statusCode();
    if (status == 404 && !required) {
      closeQuietly(response.body());
      return Optional.empty();
    }
    if (status / 100 != 2) {
      closeQuietly(response.body());
      throw new FetchException("HTTP " + status + " from " + uri);
    }
    return Optional.of(response.body());
  }

  /**
   * Copies {@code reference.json} from beside the model's URI into {@code directory}. Empty when
   * the source has none (HTTP 404, no such file); any other failure throws, naming the reference.
   */
  public Optional<Path> fetchReference(String modelUriText, Path directory) throws FetchException {
    URI reference = parse(modelUriText).resolve(REFERENCE_FILE);
    Optional<InputStream> source = open(reference, false);
    if (source.isEmpty()) {
      return Optional.empty();
    }
    Path target = directory.resolve(REFERENCE_FILE);
    try (InputStream in = source.get()) {
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      deleteQuietly(target);
      throw new FetchException("cannot copy " + reference + ": " + e.getMessage(), e);
    }
    return Optional.of(target);
  }

  private static String copyHashing(InputStream source, OutputStream out) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
    try (DigestInputStream in = new DigestInputStream(source, digest)) {
      in.transferTo(out);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** A file is taken for ONNX when it parses as a ModelProto with an IR version and a graph. */
  public static void checkOnnx(Path file, String uriText) throws FetchException {
    try (InputStream in = Files.newInputStream(file)) {
      OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(in);
      if (model.getIrVersion() <= 0
          || !model.hasGraph()
          || model.getGraph().getOutputCount() == 0) {
        throw new FetchException("not an ONNX model (no IR version or graph): " + uriText);
      }
    } catch (InvalidProtocolBufferException e) {
      throw new FetchException("not an ONNX model (" + e.getMessage() + "): " + uriText, e);
    } catch (IOException e) {
      throw new FetchException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // Best effort: the reason the caller reports matters more than a leftover partial file.
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // The response is being abandoned anyway.
    }
  }
}
