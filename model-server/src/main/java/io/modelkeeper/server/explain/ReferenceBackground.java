package io.modelkeeper.server.explain;

import io.modelkeeper.server.drift.FeatureReference;
import io.modelkeeper.server.drift.ReferenceStatistics;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A background drawn from the drift reference. The reference keeps a sample of each feature on its
 * own, not whole rows, so each background row takes every feature from its own sample
 * independently: the product of the marginals, which is what interventional Shapley values assume.
 * The draw is seeded, so one reference always gives the same background.
 */
final class ReferenceBackground {
  private static final long SEED = 16L;

  private ReferenceBackground() {}

  /** Reference feature names by column of {@code input}. */
  static Map<Integer, String> names(ReferenceStatistics reference, String input) {
    Map<Integer, String> names = new HashMap<>();
    if (reference == null) {
      return names;
    }
    for (FeatureReference feature : reference.features()) {
      if ((feature.input() == null || feature.input().equals(input)) && feature.column() != null) {
        names.put(feature.column(), feature.name());
      }
    }
    return names;
  }

  /**
   * {@code rows} rows drawn from the reference's samples, or null when the reference lacks a sample
   * for one of the {@code features} columns.
   */
  static Background draw(ReferenceStatistics reference, String input, int features, int rows) {
    if (reference == null || rows < 1) {
      return null;
    }
    double[][] samples = new double[features][];
    for (FeatureReference feature : reference.features()) {
      Integer column = feature.column();
      boolean ours = feature.input() == null || feature.input().equals(input);
      if (ours && column != null && column < features && feature.sample() != null) {
        samples[column] = feature.sample().length == 0 ? null : feature.sample();
      }
    }
    for (double[] sample : samples) {
      if (sample == null) {
        return null;
      }
    }
    SplittableRandom random = new SplittableRandom(SEED);
    double[][] drawn = new double[rows][features];
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < features; j++) {
        drawn[r][j] = samples[j][random.nextInt(samples[j].length)];
      }
    }
    return new Background(drawn, "reference");
  }
}
