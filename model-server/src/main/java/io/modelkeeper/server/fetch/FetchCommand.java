package io.modelkeeper.server.fetch;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The init-container {@code fetch} mode: reads MODELKEEPER_MODEL_URI, MODELKEEPER_MODEL_SHA256,
 * MODELKEEPER_REFERENCE_SHA256, MODELKEEPER_MODEL_DIR, MODELKEEPER_MODEL_CREDENTIALS_DIR ({@link
 * ModelCredentials}, or {@link S3Credentials} for s3://), the store settings of s3:// ({@link
 * S3Store.Settings}) and the download limits ({@link FetchLimits}), fetches the model and exits 0,
 * or prints {@code fetch failed: <reason>} as the last stderr line (and to the termination log) and
 * exits 1.
 */
public final class FetchCommand {

  public static final String DEFAULT_DIR = "/mnt/models";

  /** Where the Secret of spec.model.credentialsSecret is mounted, when one is. */
  public static final String CREDENTIALS_DIR = "MODELKEEPER_MODEL_CREDENTIALS_DIR";

  public static final Path TERMINATION_LOG = Path.of("/dev/termination-log");

  private final Function<FetchLimits, ModelFetcher> fetchers;
  private final Path terminationLog;

  /** {@code fetchers} makes the fetcher for the limits the environment sets. */
  public FetchCommand(Function<FetchLimits, ModelFetcher> fetchers, Path terminationLog) {
    this.fetchers = fetchers;
    this.terminationLog = terminationLog;
  }

  public int run(Map<String, String> env, PrintStream out, PrintStream err) {
    String uri = env.get("MODELKEEPER_MODEL_URI");
    Path dir = Path.of(env.getOrDefault("MODELKEEPER_MODEL_DIR", DEFAULT_DIR));
    S3Store s3 = null;
    try {
      FetchLimits limits = FetchLimits.fromEnv(env);
      ModelFetcher fetcher = fetchers.apply(limits);
      String credentials = env.get(CREDENTIALS_DIR);
      Optional<Path> credentialsDir =
          credentials == null || credentials.isBlank()
              ? Optional.empty()
              : Optional.of(Path.of(credentials));
      if (isS3(uri)) {
        s3 = S3Store.open(env, credentialsDir, limits);
        fetcher = fetcher.withS3(s3);
      } else if (credentialsDir.isPresent()) {
        fetcher = fetcher.withAuthorization(ModelCredentials.authorization(credentialsDir.get()));
      }
      Path model =
          fetcher.fetch(
              uri,
              Optional.ofNullable(env.get("MODELKEEPER_MODEL_SHA256")),
              Optional.ofNullable(env.get("MODELKEEPER_REFERENCE_SHA256")),
              dir);
      out.println(PrintableUri.redact("fetched " + uri + " to " + model, uri));
      return 0;
    } catch (FetchException | RuntimeException e) {
      String line = PrintableUri.redact("fetch failed: " + oneLine(e.getMessage()), uri);
      if (s3 != null) {
        line = s3.redact(line);
      }
      err.println(line);
      err.flush();
      writeTerminationLog(terminationLog, line);
      return 1;
    } finally {
      if (s3 != null) {
        s3.close();
      }
    }
  }

  private static boolean isS3(String uri) {
    return uri != null && uri.trim().regionMatches(true, 0, "s3://", 0, 5);
  }

  /** Writes {@code line} as the container's termination message, where the kubelet made one. */
  static void writeTerminationLog(Path terminationLog, String line) {
    // The kubelet creates the file; outside a pod it is absent and nothing is created.
    if (Files.isRegularFile(terminationLog) && Files.isWritable(terminationLog)) {
      try {
        Files.writeString(terminationLog, line + "\n", StandardCharsets.UTF_8);
      } catch (IOException ignored) {
        // The stderr line is the contract; the termination log is a courtesy where writable.
      }
    }
  }

  static String oneLine(String message) {
    return String.valueOf(message).replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
  }
}
