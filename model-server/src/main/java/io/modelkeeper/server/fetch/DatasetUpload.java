package io.modelkeeper.server.fetch;

import io.modelkeeper.contract.DatasetBucket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Writes the model server's finished capture files to its ModelDeployment's prefix of
 * spec.dataset.uri ({@link DatasetBucket#URI}), with the store settings of spec.dataset.s3 ({@code
 * MODELKEEPER_S3_*}) and the keys of spec.dataset.credentialsSecret mounted at {@link
 * DatasetBucket#CREDENTIALS_DIR}, or else the pod's identity. A failure reads as one line naming
 * the spec.dataset field to look at, never a credential.
 */
public final class DatasetUpload implements AutoCloseable {

  /** The fetcher's connect and read timeouts; a capture file is small, so no deadline. */
  private static final FetchLimits LIMITS =
      new FetchLimits(
          Long.MAX_VALUE, Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofMinutes(30));

  private final S3Store store;
  private final URI prefix;

  private DatasetUpload(S3Store store, URI prefix) {
    this.store = store;
    this.prefix = prefix;
  }

  /** The upload the environment asks for, or empty when capture stays on local disk or a claim. */
  public static Optional<DatasetUpload> fromEnv(Map<String, String> given) throws FetchException {
    String text = given.get(DatasetBucket.URI);
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    URI prefix;
    try {
      prefix = URI.create(text.trim());
    } catch (IllegalArgumentException e) {
      prefix = null;
    }
    if (prefix == null
        || !"s3".equals(prefix.getScheme())
        || prefix.getHost() == null
        || !text.trim().endsWith("/")) {
      throw new FetchException(
          DatasetBucket.URI + " must be s3://<bucket>/<prefix>/ (from spec.dataset.uri)");
    }
    Map<String, String> env = new HashMap<>(given);
    env.put(S3Store.FIELD_ENV, S3Store.DATASET_FIELD);
    String credentials = env.get(DatasetBucket.CREDENTIALS_DIR);
    Optional<S3Credentials> secret =
        credentials == null || credentials.isBlank()
            ? Optional.empty()
            : Optional.of(S3Credentials.read(Path.of(credentials.trim()), S3Store.DATASET_FIELD));
    return Optional.of(
        new DatasetUpload(
            S3Store.open(
                S3Store.Settings.fromEnv(env, S3Store.DATASET_FIELD),
                secret,
                LIMITS,
                S3Store.DATASET_FIELD),
            prefix));
  }

  /** Where the uploads go: {@code s3://<bucket>/<prefix>/<modeldeployment>/}. */
  public URI prefix() {
    return prefix;
  }

  /** Uploads {@code file} as {@code <prefix><file name>}, replacing an object of that name. */
  public URI put(Path file) throws FetchException {
    URI target = prefix.resolve(file.getFileName().toString());
    store.put(target, file);
    return target;
  }

  @Override
  public void close() {
    store.close();
  }
}
