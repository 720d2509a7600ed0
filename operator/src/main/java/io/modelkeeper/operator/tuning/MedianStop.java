package io.modelkeeper.operator.tuning;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The median stopping rule of Vizier and Katib: a running trial whose best objective value by its
 * latest step S is strictly worse than the median of the completed trials' running averages up to S
 * is not worth finishing. {@code minTrials} completed trials must have reached S, and nothing is
 * stopped before {@code startStep}. Curves map a step to the objective metric's value there; values
 * that are not finite are left out.
 */
public record MedianStop(int minTrials, int startStep) {

  public MedianStop {
    if (minTrials < 1) {
      throw new IllegalArgumentException("medianStop needs minTrials >= 1, got " + minTrials);
    }
    if (startStep < 0) {
      throw new IllegalArgumentException("medianStop needs startStep >= 0, got " + startStep);
    }
  }

  /**
   * Stop the running trial when, at its latest step S >= startStep, its best objective value up to
   * S is worse than the median, over completed trials (at least minTrials of them that reached S),
   * of each completed trial's running average of its objective values up to S.
   */
  public boolean shouldStop(
      Direction direction,
      SortedMap<Integer, Double> running,
      List<SortedMap<Integer, Double>> completed) {
    if (running.isEmpty() || running.lastKey() < startStep) {
      return false;
    }
    int step = running.lastKey();
    double best = Double.NaN;
    for (Double value : running.values()) {
      if (value != null
          && Double.isFinite(value)
          && (Double.isNaN(best) || direction.better(value, best))) {
        best = value;
      }
    }
    double median = medianOfRunningAverages(step, completed);
    return !Double.isNaN(best) && !Double.isNaN(median) && direction.better(median, best);
  }

  /** The median at {@code step}, or NaN when fewer than minTrials completed trials reached it. */
  private double medianOfRunningAverages(int step, List<SortedMap<Integer, Double>> completed) {
    double[] averages = new double[completed.size()];
    int count = 0;
    for (SortedMap<Integer, Double> curve : completed) {
      if (curve.isEmpty() || curve.lastKey() < step) {
        continue;
      }
      double sum = 0;
      int values = 0;
      SortedMap<Integer, Double> upToStep =
          step == Integer.MAX_VALUE ? curve : curve.headMap(step + 1);
      for (Map.Entry<Integer, Double> point : upToStep.entrySet()) {
        if (point.getValue() != null && Double.isFinite(point.getValue())) {
          sum += point.getValue();
          values++;
        }
      }
      if (values > 0) {
        averages[count++] = sum / values;
      }
    }
    if (count < minTrials) {
      return Double.NaN;
    }
    Arrays.sort(averages, 0, count);
    return count % 2 == 1
        ? averages[count / 2]
        : (averages[count / 2 - 1] + averages[count / 2]) / 2;
  }
}
