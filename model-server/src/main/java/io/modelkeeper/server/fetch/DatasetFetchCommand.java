package io.modelkeeper.server.fetch;

import io.modelkeeper.contract.DatasetBucket;
import io.modelkeeper.contract.TrainingContract;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The init-container {@code fetch-dataset} mode of training and evaluation pods whose dataset lives
 * in a bucket: reads {@link DatasetBucket#URI}, {@link TrainingContract#DATASET_DIR}, {@link
 * TrainingContract#MAX_ROW_AGE}, {@link DatasetBucket#MAX_BYTES}, {@link
 * DatasetBucket#CREDENTIALS_DIR}, the store settings ({@link S3Store.Settings}) and the fetch
 * timeouts ({@link FetchLimits}), downloads the finished capture files and exits 0, or prints
 * {@code fetch failed: <reason>} naming the spec.dataset field as the last stderr line (and to the
 * termination log) and exits 1.
 */
public final class DatasetFetchCommand {

  private final Clock clock;
  private final Path terminationLog;

  public DatasetFetchCommand(Clock clock, Path terminationLog) {
    this.clock = clock;
    this.terminationLog = terminationLog;
  }

  public int run(Map<String, String> given, PrintStream out, PrintStream err) {
    Map<String, String> env = new HashMap<>(given);
    // Whatever else the pod says, its messages are about spec.dataset's store.
    env.put(S3Store.FIELD_ENV, S3Store.DATASET_FIELD);
    S3Store store = null;
    try {
      URI prefix = prefix(env.get(DatasetBucket.URI));
      Path dir = Path.of(required(env, TrainingContract.DATASET_DIR));
      FetchLimits limits = FetchLimits.fromEnv(env);
      String credentials = env.get(DatasetBucket.CREDENTIALS_DIR);
      store =
          S3Store.open(
              env,
              credentials == null || credentials.isBlank()
                  ? Optional.empty()
                  : Optional.of(Path.of(credentials.trim())),
              limits);
      DatasetDownload.Caps caps =
          new DatasetDownload.Caps(maxBytes(env), DatasetBucket.MAX_OBJECT_BYTES);
      DatasetDownload.Result result =
          new DatasetDownload(store, caps, maxAge(env), clock)
              .download(prefix, dir, System.nanoTime() + limits.deadline().toNanos());
      out.println(
          "downloaded "
              + result.files()
              + " capture files ("
              + result.bytes()
              + " bytes) of "
              + prefix
              + " to "
              + dir
              + "; left out: "
              + result.tooOld()
              + " older than spec.dataset.maxAge, "
              + result.notCaptureFiles()
              + " not *.jsonl");
      return 0;
    } catch (FetchException | RuntimeException e) {
      String line = "fetch failed: " + FetchCommand.oneLine(e.getMessage());
      if (store != null) {
        line = store.redact(line);
      }
      err.println(line);
      err.flush();
      FetchCommand.writeTerminationLog(terminationLog, line);
      return 1;
    } finally {
      if (store != null) {
        store.close();
      }
    }
  }

  private static URI prefix(String text) throws FetchException {
    if (text == null || text.isBlank()) {
      throw new FetchException(DatasetBucket.URI + " is not set (from spec.dataset.uri)");
    }
    try {
      URI uri = URI.create(text.trim());
      if ("s3".equals(uri.getScheme()) && uri.getHost() != null && text.trim().endsWith("/")) {
        return uri;
      }
    } catch (IllegalArgumentException e) {
      // told below
    }
    throw new FetchException(
        DatasetBucket.URI + " must be s3://<bucket>/<prefix>/ (from spec.dataset.uri)");
  }

  private static String required(Map<String, String> env, String name) throws FetchException {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      throw new FetchException(name + " is not set");
    }
    return value.trim();
  }

  private static long maxBytes(Map<String, String> env) throws FetchException {
    String value = required(env, DatasetBucket.MAX_BYTES);
    try {
      long bytes = Long.parseLong(value);
      if (bytes > 0) {
        return bytes;
      }
    } catch (NumberFormatException e) {
      // told below
    }
    throw new FetchException(
        DatasetBucket.MAX_BYTES
            + " must be a positive number of bytes (spec.dataset.maxDownloadSize)");
  }

  private static Optional<Duration> maxAge(Map<String, String> env) throws FetchException {
    String value = env.get(TrainingContract.MAX_ROW_AGE);
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Duration.parse(value.trim()));
    } catch (DateTimeParseException e) {
      throw new FetchException(
          TrainingContract.MAX_ROW_AGE + " must be an ISO-8601 duration such as PT720H");
    }
  }
}
