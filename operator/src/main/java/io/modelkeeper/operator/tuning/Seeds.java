package io.modelkeeper.operator.tuning;

import java.util.SplittableRandom;

/** Independent, reproducible random streams from a search's seed. */
final class Seeds {

  private Seeds() {}

  /**
   * The stream numbered {@code stream} of {@code seed}; streams differ in more than a shift, so the
   * draws of trial 3 are not those of trial 2 one step later.
   */
  static SplittableRandom random(long seed, long stream) {
    return new SplittableRandom(mix(seed ^ mix(stream + 0x9E3779B97F4A7C15L)));
  }

  // Stafford's variant 13 of the 64-bit finaliser of MurmurHash3.
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
