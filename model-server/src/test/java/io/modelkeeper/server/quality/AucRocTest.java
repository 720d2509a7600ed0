package io.modelkeeper.server.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class AucRocTest {

  @Test
  void perfectInvertedAndAllTiedScores() {
    boolean[] positive = {false, false, true, true};

    assertThat(AucRoc.of(new double[] {0.1, 0.2, 0.8, 0.9}, positive, 4)).isEqualTo(1.0);
    assertThat(AucRoc.of(new double[] {0.9, 0.8, 0.2, 0.1}, positive, 4)).isEqualTo(0.0);
    assertThat(AucRoc.of(new double[] {0.5, 0.5, 0.5, 0.5}, positive, 4)).isEqualTo(0.5);
  }

  @Test
  void scikitLearnDocumentationExample() {
    // roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
    double auc =
        AucRoc.of(new double[] {0.1, 0.4, 0.35, 0.8}, new boolean[] {false, false, true, true}, 4);

    assertThat(auc).isEqualTo(0.75);
  }

  @Test
  void matchesPairCountingOnRandomScoresWithManyTies() {
    Random random = new Random(7);
    int n = 500;
    double[] scores = new double[n];
    boolean[] positive = new boolean[n];
    for (int i = 0; i < n; i++) {
      positive[i] = random.nextBoolean();
      scores[i] = random.nextInt(10) / 10.0 + (positive[i] ? 0.1 : 0);
    }
    double wins = 0;
    long pairs = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (positive[i] && !positive[j]) {
          pairs++;
          wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
        }
      }
    }

    assertThat(AucRoc.of(scores, positive, n)).isCloseTo(wins / pairs, within(1e-12));
  }
}
