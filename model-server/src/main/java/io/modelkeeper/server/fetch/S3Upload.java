package io.modelkeeper.server.fetch;

import io.modelkeeper.contract.TrainingContract;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes a run's results to the s3:// prefix of a ModelRetraining's spec.output.uri, with the store
 * settings of spec.output.s3 ({@code MODELKEEPER_S3_*}) and the keys of
 * spec.output.credentialsSecret mounted at {@link #CREDENTIALS_DIR}, or else the pod's identity. A
 * failure reads as one line naming the spec.output field to look at, never a credential.
 */
public final class S3Upload {

  /** The run's own prefix: {@code s3://<bucket>/<prefix>/<run>/} (a trial's below it). */
  public static final String OUTPUT_URI = TrainingContract.OUTPUT_URI;

  /** Where spec.output.credentialsSecret is mounted, when it is set. */
  public static final String CREDENTIALS_DIR = TrainingContract.OUTPUT_CREDENTIALS_DIR;

  static final String FIELD = S3Store.OUTPUT_FIELD;

  /**
   * The fetcher's default connect and read timeouts (no size cap or deadline applies to an upload);
   * built here because the trainer runs without the server's configuration library.
   */
  private static final FetchLimits LIMITS =
      new FetchLimits(
          Long.MAX_VALUE, Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofMinutes(30));

  private S3Upload() {}

  /** The prefix to upload to, or empty when the run writes to a claim. */
  public static Optional<URI> target(Map<String, String> env) throws FetchException {
    String text = env.get(OUTPUT_URI);
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    URI uri;
    try {
      uri = URI.create(text.trim());
    } catch (IllegalArgumentException e) {
      throw new FetchException(OUTPUT_URI + " is not a URI: s3://<bucket>/<prefix>/<run>/");
    }
    if (!"s3".equals(uri.getScheme()) || uri.getHost() == null || !text.trim().endsWith("/")) {
      throw new FetchException(
          OUTPUT_URI + " must be s3://<bucket>/<prefix>/<run>/ (from " + FIELD + ".uri)");
    }
    return Optional.of(uri);
  }

  /**
   * Uploads {@code files} of {@code dir} under {@code prefix}, in this order, and returns the uris
   * written. A file that is not there is an error: the run promised it.
   */
  public static List<URI> upload(Map<String, String> env, URI prefix, Path dir, List<String> files)
      throws FetchException {
    String credentials = env.get(CREDENTIALS_DIR);
    Optional<S3Credentials> secret =
        credentials == null || credentials.isBlank()
            ? Optional.empty()
            : Optional.of(S3Credentials.read(Path.of(credentials.trim()), FIELD));
    List<URI> written = new ArrayList<>();
    try (S3Store store =
        S3Store.open(S3Store.Settings.fromEnv(env, FIELD), secret, LIMITS, FIELD)) {
      for (String name : files) {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
          throw new FetchException("cannot upload " + name + ": no such file in " + dir);
        }
        URI target = prefix.resolve(name);
        store.put(target, file);
        written.add(target);
      }
    }
    return written;
  }
}
