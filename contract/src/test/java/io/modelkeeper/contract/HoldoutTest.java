package io.modelkeeper.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class HoldoutTest {

  @Test
  void theRuleIsTheDocumentedOneSoOtherLanguagesCanFollowIt() {
    // computed here independently: BigInteger of the first eight bytes over 2^64
    assertThat(Holdout.position("a", 0)).isCloseTo(firstEightBytes("a:0"), within(1e-12));
  }

  @Test
  void aboutTheFractionIsHeldOutAndTheChoiceIsStable() {
    int held = 0;
    for (int i = 0; i < 20_000; i++) {
      boolean first = Holdout.isHeldOut("id-" + i, i % 3, 0.2);
      assertThat(Holdout.isHeldOut("id-" + i, i % 3, 0.2)).isEqualTo(first);
      held += first ? 1 : 0;
    }
    assertThat(held / 20_000.0).isCloseTo(0.2, within(0.01));
  }

  @Test
  void rowsOfOnePredictionFallApart() {
    assertThat(Holdout.position("same", 0)).isNotEqualTo(Holdout.position("same", 1));
  }

  @Test
  void noneAndAllAtTheEnds() {
    assertThat(Holdout.isHeldOut("x", 0, 0)).isFalse();
    assertThat(Holdout.isHeldOut("x", 0, 1)).isTrue();
  }

  private static double firstEightBytes(String text) {
    try {
      byte[] d =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return new java.math.BigInteger(1, java.util.Arrays.copyOf(d, 8)).doubleValue()
          / Math.pow(2, 64);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
