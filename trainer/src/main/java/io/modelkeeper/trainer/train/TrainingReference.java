package io.modelkeeper.trainer.train;

import io.modelkeeper.server.drift.FeatureReference;
import io.modelkeeper.server.drift.ReferenceStatistics;
import io.modelkeeper.trainer.dataset.Rows;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The drift reference of the training rows, in the format the model server reads ({@code
 * reference.json}): deciles and proportions of every input column (the first {@value
 * #MAX_FEATURES}, as the server tracks by default) and of the new model's predictions, with a
 * sample of evenly spaced quantiles for the KS test.
 */
public final class TrainingReference {
  static final int MAX_FEATURES = 64;
  static final int SAMPLE_SIZE = 1000;

  private TrainingReference() {}

  /**
   * @param predictions the predicted class (classification) or value of each training row
   */
  public static ReferenceStatistics of(
      String inputName, Rows rows, double[] predictions, String description) {
    int n = rows.size();
    List<FeatureReference> features = new ArrayList<>();
    double[] values = new double[n];
    for (int column = 0; column < Math.min(MAX_FEATURES, rows.width()); column++) {
      for (int r = 0; r < n; r++) {
        values[r] = rows.feature(r, column);
      }
      features.add(
          sampled(
              FeatureReference.fromValues(
                  inputName + "[" + column + "]", inputName, column, values)));
    }
    FeatureReference prediction =
        sampled(FeatureReference.fromValues("prediction", null, null, predictions));
    return new ReferenceStatistics(ReferenceStatistics.FORMAT, description, features, prediction);
  }

  /** The same statistics with at most {@link #SAMPLE_SIZE} evenly spaced quantiles as sample. */
  private static FeatureReference sampled(FeatureReference full) {
    double[] sorted = full.sample();
    if (sorted.length <= SAMPLE_SIZE) {
      return full;
    }
    double[] sample = new double[SAMPLE_SIZE];
    for (int i = 0; i < SAMPLE_SIZE; i++) {
      sample[i] = sorted[(int) ((i + 0.5) * sorted.length / SAMPLE_SIZE)];
    }
    Arrays.sort(sample);
    return new FeatureReference(
        full.name(), full.input(), full.column(), full.edges(), full.proportions(), sample);
  }
}
