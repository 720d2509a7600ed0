package io.modelkeeper.bench.tuning;

import io.modelkeeper.operator.tuning.Assignment;
import io.modelkeeper.operator.tuning.Parameter;
import io.modelkeeper.operator.tuning.SearchSpace;
import java.util.ArrayList;
import java.util.List;

/** The standard test functions of hyperparameter optimisation, as search problems. */
final class TestFunctions {

  /** A function to minimise over a search space, with its known minimum. */
  record Problem(String name, SearchSpace space, double minimum, Objective objective) {}

  /** The value of a problem's function at an assignment. */
  interface Objective {
    double at(Assignment assignment);
  }

  private static final double[] HARTMANN_ALPHA = {1.0, 1.2, 3.0, 3.2};
  private static final double[][] HARTMANN_A = {
    {10, 3, 17, 3.5, 1.7, 8},
    {0.05, 10, 17, 0.1, 8, 14},
    {3, 3.5, 1.7, 10, 17, 8},
    {17, 8, 0.05, 10, 0.1, 14}
  };
  private static final double[][] HARTMANN_P = {
    {0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886},
    {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
    {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650},
    {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}
  };

  private TestFunctions() {}

  /** Branin-Hoo on x1 in [-5, 10], x2 in [0, 15]; minimum 0.397887 at three points. */
  static Problem branin() {
    SearchSpace space =
        new SearchSpace(List.of(Parameter.uniform("x1", -5, 10), Parameter.uniform("x2", 0, 15)));
    return new Problem("Branin", space, 0.397887, a -> branin(value(a, "x1"), value(a, "x2")));
  }

  static double branin(double x1, double x2) {
    double b = 5.1 / (4 * Math.PI * Math.PI);
    double c = 5 / Math.PI;
    double t = 1 / (8 * Math.PI);
    double square = x2 - b * x1 * x1 + c * x1 - 6;
    return square * square + 10 * (1 - t) * Math.cos(x1) + 10;
  }

  /** Hartmann's 6-dimensional function on [0, 1]^6; minimum -3.32237. */
  static Problem hartmann6() {
    List<Parameter> parameters = new ArrayList<>();
    for (int j = 1; j <= 6; j++) {
      parameters.add(Parameter.uniform("x" + j, 0, 1));
    }
    return new Problem(
        "Hartmann-6",
        new SearchSpace(parameters),
        -3.32237,
        a -> {
          double[] x = new double[6];
          for (int j = 0; j < 6; j++) {
            x[j] = value(a, "x" + (j + 1));
          }
          return hartmann6(x);
        });
  }

  static double hartmann6(double[] x) {
    double sum = 0;
    for (int i = 0; i < 4; i++) {
      double exponent = 0;
      for (int j = 0; j < 6; j++) {
        double d = x[j] - HARTMANN_P[i][j];
        exponent += HARTMANN_A[i][j] * d * d;
      }
      sum += HARTMANN_ALPHA[i] * Math.exp(-exponent);
    }
    return -sum;
  }

  private static double value(Assignment assignment, String name) {
    return Double.parseDouble(assignment.values().get(name));
  }
}
