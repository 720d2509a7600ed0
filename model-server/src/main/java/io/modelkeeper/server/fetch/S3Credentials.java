package io.modelkeeper.server.fetch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The access key of an s3:// model, read from the files of its mounted Secret: keys {@code
 * AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY} and, for temporary credentials, {@code
 * AWS_SESSION_TOKEN}. What they hold is never printed: {@link #redact} masks it in any message.
 */
final class S3Credentials {

  static final String ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID";
  static final String SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY";
  static final String SESSION_TOKEN = "AWS_SESSION_TOKEN";

  /** A session token is the longest of the three, and well under this. */
  private final AwsCredentials credentials;

  private final List<String> values;

  private S3Credentials(AwsCredentials credentials, List<String> values) {
    this.credentials = credentials;
    this.values = values;
  }

  /**
   * The credentials in {@code directory}.
   *
   * @throws FetchException naming the missing key, never a value
   */
  static S3Credentials read(Path directory) throws FetchException {
    return read(directory, S3Store.MODEL_FIELD);
  }

  /** The credentials in {@code directory}, the Secret of the spec field {@code field}. */
  static S3Credentials read(Path directory, String field) throws FetchException {
    Optional<String> id = ModelCredentials.key(directory, ACCESS_KEY_ID);
    Optional<String> secret = ModelCredentials.key(directory, SECRET_ACCESS_KEY);
    Optional<String> token = ModelCredentials.key(directory, SESSION_TOKEN);
    if (id.isEmpty() || secret.isEmpty()) {
      throw new FetchException(
          field
              + ".credentialsSecret for s3:// needs keys '"
              + ACCESS_KEY_ID
              + "' and '"
              + SECRET_ACCESS_KEY
              + "' (and optionally '"
              + SESSION_TOKEN
              + "'); "
              + (id.isEmpty() ? ACCESS_KEY_ID : SECRET_ACCESS_KEY)
              + " is missing or empty");
    }
    List<String> values = new ArrayList<>(List.of(secret.get(), id.get()));
    token.ifPresent(values::add);
    values.sort((a, b) -> b.length() - a.length());
    AwsCredentials credentials =
        token.isPresent()
            ? AwsSessionCredentials.create(id.get(), secret.get(), token.get())
            : AwsBasicCredentials.create(id.get(), secret.get());
    return new S3Credentials(credentials, List.copyOf(values));
  }

  StaticCredentialsProvider provider() {
    return StaticCredentialsProvider.create(credentials);
  }

  /** {@code message} with every value of the Secret replaced by {@code ***}. */
  String redact(String message) {
    if (message == null) {
      return null;
    }
    String out = message;
    for (String value : values) {
      out = out.replace(value, "***");
    }
    return out;
  }
}
