package io.modelkeeper.operator.metricsource.prometheus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;

/**
 * What the operator sends a Prometheus to prove who it is: a bearer token, or a user name and
 * password, read from files (a mounted Secret) at each query so a rotated Secret takes effect
 * without a restart. The secret itself never leaves {@link #authorization()}: errors name the file,
 * never its content.
 */
public final class PrometheusCredentials {

  /** Sends no Authorization header. */
  public static final PrometheusCredentials NONE = new PrometheusCredentials(null, null, null);

  /** A mounted Secret holds a few bytes; a file larger than this is not a credential. */
  private static final long MAX_BYTES = 64 * 1024;

  private final Path bearerTokenFile;
  private final String username;
  private final Path passwordFile;

  private PrometheusCredentials(Path bearerTokenFile, String username, Path passwordFile) {
    this.bearerTokenFile = bearerTokenFile;
    this.username = username;
    this.passwordFile = passwordFile;
  }

  public static PrometheusCredentials bearerToken(Path file) {
    return new PrometheusCredentials(file, null, null);
  }

  public static PrometheusCredentials basicAuth(String username, Path passwordFile) {
    return new PrometheusCredentials(null, username, passwordFile);
  }

  /** The Authorization header's value, or empty when none is sent. */
  Optional<String> authorization() throws IOException {
    if (bearerTokenFile != null) {
      return Optional.of("Bearer " + read(bearerTokenFile, "bearer token"));
    }
    if (username != null) {
      String pair = username + ":" + read(passwordFile, "password");
      return Optional.of(
          "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }
    return Optional.empty();
  }

  private static String read(Path file, String what) throws IOException {
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new IOException("the Prometheus " + what + " file " + file + " is too large");
      }
      String value = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (value.isEmpty()) {
        throw new IOException("the Prometheus " + what + " file " + file + " is empty");
      }
      return value;
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IOException("the Prometheus " + what + " file " + file + " does not exist", e);
    }
  }

  @Override
  public String toString() {
    return bearerTokenFile != null
        ? "bearer token from " + bearerTokenFile
        : username != null ? "basic auth as " + username + " from " + passwordFile : "none";
  }
}
