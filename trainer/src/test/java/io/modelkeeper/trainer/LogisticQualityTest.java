package io.modelkeeper.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.contract.Holdout;
import io.modelkeeper.trainer.support.Captured;
import io.modelkeeper.trainer.support.Captured.Row;
import io.modelkeeper.trainer.support.Onnx;
import io.modelkeeper.trainer.support.Runs;
import io.modelkeeper.trainer.support.Synthetic;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Full training of logistic regression on a problem with known weights reaches, on the held-out
 * rows, a log loss within 1% of the maximum-likelihood fit that Newton's method (IRLS) finds on the
 * same training rows.
 */
class LogisticQualityTest {
  static final double[] WEIGHTS = {1.5, -2.0, 0.8, 0.0, 0.5, -1.0, 0.0, 0.3};

  @TempDir Path dir;

  @Test
  void fullTrainingIsWithinOnePercentOfTheNewtonOptimum() throws Exception {
    List<Row> rows = Synthetic.logistic(WEIGHTS, -0.2, 6000, 42);
    Path data = dir.resolve("data");
    Captured.write(data, "input", rows);
    List<Row> training = rows.stream().filter(r -> !held(r)).toList();
    List<Row> heldOut = rows.stream().filter(LogisticQualityTest::held).toList();

    Runs.Run run = Runs.run("train", Runs.env("binary-classification", data, dir.resolve("out")));

    assertThat(run.exitCode()).as(run.err()).isZero();
    double[] optimum = newton(training);
    double optimal = logLoss(heldOut, optimum);
    float[] p = Onnx.outputs(dir.resolve("out/model.onnx"), "input", heldOut);
    double trained = 0;
    for (int r = 0; r < heldOut.size(); r++) {
      double q = heldOut.get(r).label().intValue() == 1 ? p[r] : 1 - p[r];
      trained -= Math.log(q);
    }
    trained /= heldOut.size();
    assertThat(trained).isLessThanOrEqualTo(optimal * 1.01);
    assertThat(run.summary().get("rows").get("training").asInt()).isEqualTo(training.size());
    assertThat(run.summary().get("rows").get("heldOut").asInt()).isEqualTo(heldOut.size());
    assertThat(Runs.json(dir.resolve("out/metrics.json")).get("log_loss").asDouble())
        .isCloseTo(trained, org.assertj.core.data.Offset.offset(1e-4));
  }

  static boolean held(Row row) {
    return Holdout.isHeldOut(row.id(), row.row(), 0.2);
  }

  /** Maximum likelihood by iteratively reweighted least squares; last entry is the intercept. */
  static double[] newton(List<Row> rows) {
    int d = rows.get(0).features().length + 1;
    double[] beta = new double[d];
    for (int iteration = 0; iteration < 50; iteration++) {
      RealMatrix hessian = new Array2DRowRealMatrix(d, d);
      RealVector gradient = new ArrayRealVector(d);
      for (Row row : rows) {
        double[] x = withIntercept(row.features());
        double p = sigmoid(dot(beta, x));
        double w = p * (1 - p);
        for (int i = 0; i < d; i++) {
          gradient.addToEntry(i, (row.label().intValue() - p) * x[i]);
          for (int j = 0; j < d; j++) {
            hessian.addToEntry(i, j, w * x[i] * x[j]);
          }
        }
      }
      RealVector step = new LUDecomposition(hessian).getSolver().solve(gradient);
      for (int i = 0; i < d; i++) {
        beta[i] += step.getEntry(i);
      }
      if (step.getNorm() < 1e-10) {
        break;
      }
    }
    return beta;
  }

  static double logLoss(List<Row> rows, double[] beta) {
    double sum = 0;
    for (Row row : rows) {
      double p = sigmoid(dot(beta, withIntercept(row.features())));
      sum -= Math.log(row.label().intValue() == 1 ? p : 1 - p);
    }
    return sum / rows.size();
  }

  private static double[] withIntercept(float[] features) {
    double[] x = new double[features.length + 1];
    for (int i = 0; i < features.length; i++) {
      x[i] = features[i];
    }
    x[features.length] = 1;
    return x;
  }

  private static double dot(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }
}
