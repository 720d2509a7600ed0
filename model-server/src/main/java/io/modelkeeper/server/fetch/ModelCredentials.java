package io.modelkeeper.server.fetch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;

/**
 * The credentials for model storage, read from the files of a mounted Secret: key {@code
 * authorization} is sent as the HTTP Authorization header as it is (e.g. {@code Bearer <token>});
 * keys {@code username} and {@code password} make a basic-auth header. What they hold is never
 * printed.
 */
public final class ModelCredentials {

  public static final String AUTHORIZATION = "authorization";
  public static final String USERNAME = "username";
  public static final String PASSWORD = "password";

  /** A header value is short: a larger file is not a credential. */
  private static final long MAX_BYTES = 16 * 1024;

  private ModelCredentials() {}

  /**
   * The Authorization header value the files in {@code directory} make.
   *
   * @throws FetchException naming the directory and the key, never the value
   */
  public static String authorization(Path directory) throws FetchException {
    Optional<String> header = key(directory, AUTHORIZATION);
    if (header.isEmpty()) {
      Optional<String> user = key(directory, USERNAME);
      Optional<String> password = key(directory, PASSWORD);
      if (user.isEmpty() || password.isEmpty()) {
        throw new FetchException(
            "the model credentials in "
                + directory
                + " have neither key '"
                + AUTHORIZATION
                + "' nor both '"
                + USERNAME
                + "' and '"
                + PASSWORD
                + "'");
      }
      header =
          Optional.of(
              "Basic "
                  + Base64.getEncoder()
                      .encodeToString(
                          (user.get() + ":" + password.get()).getBytes(StandardCharsets.UTF_8)));
    }
    String value = header.get();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new FetchException(
            "the model credentials' key '"
                + AUTHORIZATION
                + "' holds a control character, so it cannot be a header value");
      }
    }
    return value;
  }

  /**
   * One key of the mounted Secret, stripped of a trailing newline; empty when the key is absent or
   * blank. Bounded: a key larger than 16 KiB is refused.
   */
  static Optional<String> key(Path directory, String key) throws FetchException {
    Path file = directory.resolve(key);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new FetchException(
            "the model credentials' key '" + key + "' is larger than " + MAX_BYTES + " bytes");
      }
      // A trailing newline is how a file written by hand ends; it is not part of the value.
      String value = Files.readString(file, StandardCharsets.UTF_8).strip();
      return value.isEmpty() ? Optional.empty() : Optional.of(value);
    } catch (IOException e) {
      throw new FetchException(
          "cannot read the model credentials' key '" + key + "' in " + directory, e);
    }
  }
}
