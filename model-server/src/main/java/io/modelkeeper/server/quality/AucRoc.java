package io.modelkeeper.server.quality;

import java.util.Arrays;

/**
 * Exact area under the ROC curve from the Mann-Whitney rank statistic; tied scores get their mean
 * rank, so a tie between a positive and a negative counts one half.
 */
public final class AucRoc {
  private AucRoc() {}

  /**
   * AUC of {@code scores[0..n)} for telling {@code positive[i]} rows from the others; NaN when the
   * rows hold only one of the two kinds, since the curve is then undefined.
   */
  public static double of(double[] scores, boolean[] positive, int n) {
    long positives = 0;
    for (int i = 0; i < n; i++) {
      if (positive[i]) {
        positives++;
      }
    }
    long negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
    double positiveRankSum = 0;
    int start = 0;
    while (start < n) {
      int end = start;
      while (end + 1 < n && scores[order[end + 1]] == scores[order[start]]) {
        end++;
      }
      // Ranks are 1-based; every member of a tie group [start, end] gets the group's mean rank.
      double meanRank = (start + end) / 2.0 + 1;
      for (int k = start; k <= end; k++) {
        if (positive[order[k]]) {
          positiveRankSum += meanRank;
        }
      }
      start = end + 1;
    }
    double u = positiveRankSum - positives * (positives + 1) / 2.0;
    return u / ((double) positives * negatives);
  }
}
