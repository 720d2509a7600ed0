package io.modelkeeper.contract;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Which captured rows are held out of training: a row is held out when the first eight bytes of
 * sha256({@code <id>:<row>}), read as an unsigned number and divided by 2^64, are below the
 * fraction. Trainer and evaluator, in any language, agree on the split without coordinating, and a
 * row stays on its side as more rows arrive.
 */
public final class Holdout {

  private Holdout() {}

  /** Whether the row {@code row} of prediction {@code id} is kept out of training. */
  public static boolean isHeldOut(String id, long row, double fraction) {
    if (fraction <= 0) {
      return false;
    }
    if (fraction >= 1) {
      return true;
    }
    return position(id, row) < fraction;
  }

  /** Where the row falls in [0, 1). */
  public static double position(String id, long row) {
    byte[] digest = sha256((id + ":" + row).getBytes(StandardCharsets.UTF_8));
    long high = 0;
    for (int i = 0; i < 8; i++) {
      high = (high << 8) | (digest[i] & 0xff);
    }
    // unsigned 64-bit value / 2^64, with the 53 bits a double holds
    return (high >>> 11) * 0x1.0p-53;
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
