package io.modelkeeper.server.pods;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The short name of a pod that ends the prediction ids it mints: {@code <uuid>.<token>}, the token
 * being 12 hex digits of SHA-256 over the pod's IP. A token is only ever looked up among the
 * model's own pods ({@link ModelPods}), never turned back into an address, so an id cannot name an
 * address that is not one of them; and it does not show callers the pod's address.
 */
public final class PodToken {

  static final int CHARS = 12;
  private static final HexFormat HEX = HexFormat.of();

  private PodToken() {}

  /** The token of the pod at {@code address}. */
  public static String of(InetAddress address) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  ("modelkeeper-pod:" + address.getHostAddress())
                      .getBytes(StandardCharsets.US_ASCII));
      return HEX.formatHex(digest, 0, CHARS / 2);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The token an id ends with, or null when it names no pod (an id the caller chose). */
  public static String in(String id) {
    int dot = id.length() - CHARS - 1;
    if (dot < 1 || id.charAt(dot) != '.') {
      return null;
    }
    for (int i = dot + 1; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return null;
      }
    }
    return id.substring(dot + 1);
  }
}
