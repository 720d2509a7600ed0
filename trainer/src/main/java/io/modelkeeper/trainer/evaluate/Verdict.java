package io.modelkeeper.trainer.evaluate;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The blessing decision (TFX Evaluator semantics), a pure function of the figures: a candidate is
 * blessed when its signature matches, its figure reaches {@code minValue} and it beats the serving
 * model by {@code minImprovement}. For figures where lower is better (log loss, MAE, RMSE) reaching
 * means being at or below {@code minValue}, and the improvement is serving minus candidate.
 *
 * @param delta the improvement over the serving model; NaN without a serving model
 */
public record Verdict(boolean passed, double delta, String reason) {

  static final Set<String> LOWER_IS_BETTER = Set.of("log_loss", "mae", "rmse");

  public static boolean lowerIsBetter(String metric) {
    return LOWER_IS_BETTER.contains(metric);
  }

  public static Verdict decide(
      String metric,
      Optional<String> signatureDifference,
      double candidate,
      Optional<Double> serving,
      Optional<Double> minValue,
      double minImprovement) {
    if (signatureDifference.isPresent()) {
      return new Verdict(
          false,
          Double.NaN,
          "signature differs: "
              + signatureDifference.get()
              + "; a changed signature is never blessed");
    }
    boolean lower = lowerIsBetter(metric);
    if (Double.isNaN(candidate)) {
      return new Verdict(
          false, Double.NaN, "the candidate's " + metric + " is undefined on the held-out rows");
    }
    if (minValue.isPresent()) {
      boolean reached = lower ? candidate <= minValue.get() : candidate >= minValue.get();
      if (!reached) {
        return new Verdict(
            false,
            serving.map(s -> improvement(lower, candidate, s)).orElse(Double.NaN),
            "candidate "
                + metric
                + " "
                + format(candidate)
                + (lower ? " is above" : " is below")
                + " minValue "
                + format(minValue.get()));
      }
    }
    String reaches =
        minValue
            .map(
                v ->
                    "candidate "
                        + metric
                        + " "
                        + format(candidate)
                        + " reaches minValue "
                        + format(v))
            .orElse("candidate " + metric + " " + format(candidate) + ", no minValue");
    if (serving.isEmpty()) {
      return new Verdict(true, Double.NaN, "no baseline: only minValue applies; " + reaches);
    }
    double delta = improvement(lower, candidate, serving.get());
    if (Double.isNaN(delta)) {
      return new Verdict(
          false, delta, "the serving model's " + metric + " is undefined on the held-out rows");
    }
    String versus =
        "candidate "
            + metric
            + " "
            + format(candidate)
            + " vs serving "
            + format(serving.get())
            + " (improvement "
            + format(delta)
            + ", minImprovement "
            + format(minImprovement)
            + ")";
    return delta >= minImprovement
        ? new Verdict(true, delta, "blessed: " + versus)
        : new Verdict(false, delta, "not better than the serving model: " + versus);
  }

  private static double improvement(boolean lower, double candidate, double serving) {
    return lower ? serving - candidate : candidate - serving;
  }

  private static String format(double value) {
    return String.format(Locale.ROOT, "%.4f", value);
  }
}
