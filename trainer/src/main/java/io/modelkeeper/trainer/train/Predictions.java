package io.modelkeeper.trainer.train;

import io.modelkeeper.server.quality.ClassificationMetrics;
import io.modelkeeper.server.quality.QualityReport;
import io.modelkeeper.server.quality.RegressionWindow;
import io.modelkeeper.trainer.dataset.Rows;
import io.modelkeeper.trainer.model.Network;
import io.modelkeeper.trainer.model.OutputKind;
import io.modelkeeper.trainer.model.Scaling;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A network's predictions on rows, as the model server reads a model's outputs: class probabilities
 * and the most probable class for a classifier, the value for a regressor; figures by the server's
 * own definitions ({@link ClassificationMetrics}, {@link RegressionWindow}).
 *
 * @param loss mean log loss (classification) or squared error (regression), from the logits in
 *     double precision
 */
public record Predictions(
    OutputKind kind, int[] classes, float[] probabilities, double[] values, double loss) {

  public static Predictions of(Network network, OutputKind kind, Scaling scaling, Rows rows) {
    int n = rows.size();
    int width = rows.width();
    int classCount = kind.classes();
    int[] classes = kind.task().isClassification() ? new int[n] : null;
    float[] probabilities = kind.task().isClassification() ? new float[n * classCount] : null;
    double[] values = kind.task().isClassification() ? null : new double[n];
    double[][] activations = network.newActivations();
    double[] input = new double[width];
    double[] p = new double[Math.max(classCount, 1)];
    double loss = 0;
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < width; c++) {
        input[c] = scaling.standardize(rows.feature(r, c), c);
      }
      double[] logits = network.forward(input, activations);
      if (values != null) {
        values[r] = logits[0] * scaling.targetScale() + scaling.targetMean();
        double error = values[r] - rows.label(r);
        loss += error * error;
        continue;
      }
      int actual = (int) rows.label(r);
      if (kind.singleLogit()) {
        double o = logits[0];
        p[1] = 1 / (1 + Math.exp(-o));
        p[0] = 1 - p[1];
        loss += Math.max(o, 0) + Math.log1p(Math.exp(-Math.abs(o))) - (actual == 1 ? o : 0);
      } else {
        double max = Arrays.stream(logits).max().orElse(0);
        double sum = 0;
        for (int c = 0; c < classCount; c++) {
          p[c] = Math.exp(logits[c] - max);
          sum += p[c];
        }
        for (int c = 0; c < classCount; c++) {
          p[c] /= sum;
        }
        loss += Math.log(sum) + max - logits[actual];
      }
      int best = 0;
      for (int c = 0; c < classCount; c++) {
        probabilities[r * classCount + c] = (float) p[c];
        if (probabilities[r * classCount + c] > probabilities[r * classCount + best]) {
          best = c;
        }
      }
      classes[r] = best;
    }
    return new Predictions(kind, classes, probabilities, values, n == 0 ? Double.NaN : loss / n);
  }

  /** Accuracy for a classifier, RMSE for a regressor. */
  public double mainFigure(Rows rows) {
    if (classes == null) {
      return Math.sqrt(loss);
    }
    int correct = 0;
    for (int r = 0; r < classes.length; r++) {
      correct += classes[r] == (int) rows.label(r) ? 1 : 0;
    }
    return classes.length == 0 ? Double.NaN : (double) correct / classes.length;
  }

  /** The name of {@link #mainFigure} in metric lines and files. */
  public static String mainFigureName(OutputKind kind) {
    return kind.task().isClassification() ? "accuracy" : "rmse";
  }

  /** Every figure of the task, by the model server's definitions. */
  public QualityReport figures(Rows rows) {
    int n = rows.size();
    if (classes == null) {
      return RegressionWindow.compute(n, values, rows.labels());
    }
    int[] actual = new int[n];
    boolean[] scored = new boolean[n];
    for (int r = 0; r < n; r++) {
      actual[r] = (int) rows.label(r);
      scored[r] = true;
    }
    List<String> names = new ArrayList<>();
    for (int c = 0; c < kind.classes(); c++) {
      names.add(Integer.toString(c));
    }
    return ClassificationMetrics.compute(
        kind.task(), n, names, classes, actual, probabilities, scored, n);
  }
}
