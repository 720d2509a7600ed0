package io.modelkeeper.server.access;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A bearer token read once from a file (a mounted Secret); checks a presented one in time that
 * depends on neither its content nor its length, by comparing SHA-256 digests.
 */
final class BearerToken {

  private static final String SCHEME = "bearer ";

  private final byte[] digest;

  private BearerToken(byte[] digest) {
    this.digest = digest;
  }

  /**
   * Reads the token from {@code file}, without the surrounding whitespace a Secret may carry.
   *
   * @throws IllegalStateException when the file cannot be read or holds no token; the message names
   *     the setting and the file, never the content
   */
  static BearerToken read(Path file, String setting) {
    String token;
    try {
      token = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException | UncheckedIOException e) {
      throw new IllegalStateException(
          setting
              + ": cannot read the token file "
              + file
              + " ("
              + e.getClass().getSimpleName()
              + ")",
          e);
    }
    if (token.isEmpty()) {
      throw new IllegalStateException(setting + ": the token file " + file + " is empty");
    }
    return new BearerToken(sha256(token.getBytes(StandardCharsets.UTF_8)));
  }

  /** True when an {@code Authorization} header value carries this token. */
  boolean acceptsHeader(String authorization) {
    if (authorization == null
        || authorization.length() <= SCHEME.length()
        || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return false;
    }
    byte[] presented =
        authorization.substring(SCHEME.length()).strip().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(digest, sha256(presented));
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }
}
