package io.modelkeeper.trainer.train;

import io.modelkeeper.trainer.dataset.Rows;
import io.modelkeeper.trainer.model.Network;
import io.modelkeeper.trainer.model.OutputKind;
import io.modelkeeper.trainer.model.Scaling;
import java.util.Random;

/**
 * Mini-batch gradient descent with Adam on a {@link Network}: cross-entropy on the logits of a
 * classifier (sigmoid for one output, softmax for several), squared error for a regression, an L2
 * penalty on the weights (not the biases). Rows are shuffled each epoch by a seeded generator, so a
 * seed repeats a run exactly.
 */
public final class Trainer {
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPSILON = 1e-8;

  /**
   * Figures after one epoch; {@code valLoss} and {@code valFigure} are NaN without held-out rows.
   */
  public record Epoch(int epoch, double trainLoss, double valLoss, double valFigure) {}

  /** Told after every epoch. */
  @FunctionalInterface
  public interface Listener {
    void epoch(Epoch epoch);
  }

  private final OutputKind kind;
  private final Scaling scaling;
  private final Hyperparameters parameters;

  public Trainer(OutputKind kind, Scaling scaling, Hyperparameters parameters) {
    this.kind = kind;
    this.scaling = scaling;
    this.parameters = parameters;
  }

  /** Trains {@code network} in place for {@code epochs} epochs. */
  public void train(Network network, Rows training, Rows heldOut, int epochs, Listener listener) {
    int n = training.size();
    int width = training.width();
    double[] inputs = standardized(training);
    double[] targets = new double[n];
    for (int r = 0; r < n; r++) {
      targets[r] =
          kind.task().isClassification()
              ? training.label(r)
              : (training.label(r) - scaling.targetMean()) / scaling.targetScale();
    }
    Adam adam = new Adam(network);
    Gradient gradient = new Gradient(network);
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Random random = new Random(parameters.seed());
    double[] row = new double[width];
    for (int epoch = 1; epoch <= epochs; epoch++) {
      shuffle(order, random);
      double lossSum = 0;
      for (int start = 0; start < n; start += parameters.batchSize()) {
        int end = Math.min(n, start + parameters.batchSize());
        gradient.clear();
        for (int k = start; k < end; k++) {
          int r = order[k];
          System.arraycopy(inputs, r * width, row, 0, width);
          lossSum += gradient.add(network, row, targets[r]);
        }
        adam.step(network, gradient, end - start);
      }
      double trainLoss = lossSum / Math.max(1, n);
      if (!kind.task().isClassification()) {
        trainLoss *= 2 * scaling.targetScale() * scaling.targetScale();
      }
      double valLoss = Double.NaN;
      double valFigure = Double.NaN;
      if (heldOut.size() > 0) {
        Predictions predictions = Predictions.of(network, kind, scaling, heldOut);
        valLoss = predictions.loss();
        valFigure = predictions.mainFigure(heldOut);
      }
      listener.epoch(new Epoch(epoch, trainLoss, valLoss, valFigure));
    }
  }

  private double[] standardized(Rows rows) {
    int width = rows.width();
    double[] values = new double[rows.size() * width];
    for (int r = 0; r < rows.size(); r++) {
      for (int c = 0; c < width; c++) {
        values[r * width + c] = scaling.standardize(rows.feature(r, c), c);
      }
    }
    return values;
  }

  private static void shuffle(int[] order, Random random) {
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
  }

  /** Gradient of the loss summed over a batch, with the buffers of one row's pass. */
  private final class Gradient {
    final double[][][] weights;
    final double[][] biases;
    final double[][] activations;
    final double[][] deltas;

    Gradient(Network network) {
      int layers = network.layers();
      weights = new double[layers][][];
      biases = new double[layers][];
      activations = network.newActivations();
      deltas = network.newActivations();
      for (int l = 0; l < layers; l++) {
        weights[l] = new double[network.weights()[l].length][activations[l].length];
        biases[l] = new double[activations[l].length];
      }
    }

    void clear() {
      for (int l = 0; l < weights.length; l++) {
        for (double[] row : weights[l]) {
          java.util.Arrays.fill(row, 0);
        }
        java.util.Arrays.fill(biases[l], 0);
      }
    }

    /** Adds one row's gradient; returns its loss. */
    double add(Network network, double[] input, double target) {
      double[] logits = network.forward(input, activations);
      int last = weights.length - 1;
      double loss = outputDelta(logits, target, deltas[last]);
      double[][][] w = network.weights();
      for (int l = last; l >= 0; l--) {
        double[] in = l == 0 ? input : activations[l - 1];
        double[] delta = deltas[l];
        double[][] gw = weights[l];
        for (int i = 0; i < in.length; i++) {
          double x = in[i];
          if (x == 0) {
            continue;
          }
          double[] g = gw[i];
          for (int j = 0; j < delta.length; j++) {
            g[j] += x * delta[j];
          }
        }
        for (int j = 0; j < delta.length; j++) {
          biases[l][j] += delta[j];
        }
        if (l > 0) {
          double[] previous = deltas[l - 1];
          double[][] wl = w[l];
          for (int i = 0; i < previous.length; i++) {
            if (activations[l - 1][i] <= 0) {
              previous[i] = 0;
              continue;
            }
            double sum = 0;
            double[] row = wl[i];
            for (int j = 0; j < delta.length; j++) {
              sum += row[j] * delta[j];
            }
            previous[i] = sum;
          }
        }
      }
      return loss;
    }

    /** Derivative of the loss by the logits, into {@code delta}; returns the loss. */
    private double outputDelta(double[] logits, double target, double[] delta) {
      if (!kind.task().isClassification()) {
        double error = logits[0] - target;
        delta[0] = error;
        return 0.5 * error * error;
      }
      if (kind.singleLogit()) {
        double o = logits[0];
        double p = 1 / (1 + Math.exp(-o));
        delta[0] = p - target;
        return Math.max(o, 0) + Math.log1p(Math.exp(-Math.abs(o))) - target * o;
      }
      double max = Double.NEGATIVE_INFINITY;
      for (double o : logits) {
        max = Math.max(max, o);
      }
      double sum = 0;
      for (int c = 0; c < logits.length; c++) {
        delta[c] = Math.exp(logits[c] - max);
        sum += delta[c];
      }
      int actual = (int) target;
      for (int c = 0; c < logits.length; c++) {
        delta[c] = delta[c] / sum - (c == actual ? 1 : 0);
      }
      return Math.log(sum) + max - logits[actual];
    }
  }

  /** Adam's moment estimates for every parameter. */
  private final class Adam {
    final double[][][] mw;
    final double[][][] vw;
    final double[][] mb;
    final double[][] vb;
    long t;

    Adam(Network network) {
      double[][][] w = network.weights();
      mw = new double[w.length][][];
      vw = new double[w.length][][];
      mb = new double[w.length][];
      vb = new double[w.length][];
      for (int l = 0; l < w.length; l++) {
        int out = network.biases()[l].length;
        mw[l] = new double[w[l].length][out];
        vw[l] = new double[w[l].length][out];
        mb[l] = new double[out];
        vb[l] = new double[out];
      }
    }

    void step(Network network, Gradient gradient, int rows) {
      t++;
      double rate =
          parameters.learningRate() * Math.sqrt(1 - Math.pow(BETA2, t)) / (1 - Math.pow(BETA1, t));
      double[][][] w = network.weights();
      double[][] b = network.biases();
      double l2 = parameters.l2();
      for (int l = 0; l < w.length; l++) {
        for (int i = 0; i < w[l].length; i++) {
          double[] wi = w[l][i];
          double[] gi = gradient.weights[l][i];
          double[] mi = mw[l][i];
          double[] vi = vw[l][i];
          for (int j = 0; j < wi.length; j++) {
            double g = gi[j] / rows + l2 * wi[j];
            mi[j] = BETA1 * mi[j] + (1 - BETA1) * g;
            vi[j] = BETA2 * vi[j] + (1 - BETA2) * g * g;
            wi[j] -= rate * mi[j] / (Math.sqrt(vi[j]) + EPSILON);
          }
        }
        for (int j = 0; j < b[l].length; j++) {
          double g = gradient.biases[l][j] / rows;
          mb[l][j] = BETA1 * mb[l][j] + (1 - BETA1) * g;
          vb[l][j] = BETA2 * vb[l][j] + (1 - BETA2) * g * g;
          b[l][j] -= rate * mb[l][j] / (Math.sqrt(vb[l][j]) + EPSILON);
        }
      }
    }
  }
}
