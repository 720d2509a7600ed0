package io.modelkeeper.server.models;

import io.modelkeeper.server.models.DenseNetwork.Activation;
import io.modelkeeper.server.models.DenseNetwork.Layer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The sample models the repository ships and the tests and benchmark serve, built from fixed seeds
 * so that regenerating them gives identical bytes.
 */
public final class SampleModels {

  /** Coefficients of the synthetic problem the logistic regression learns. */
  static final double[] TRUE_COEFFICIENTS = {1.5, -2.0, 0.8, 0.0, 0.5, -1.0, 0.0, 0.3};

  static final double TRUE_INTERCEPT = -0.2;

  private SampleModels() {}

  /**
   * A binary classifier: logistic regression over 8 features, fitted by full-batch gradient descent
   * to 4,000 synthetic rows whose labels follow {@link #TRUE_COEFFICIENTS}. Output {@code
   * probability [-1, 1]} is P(label = 1).
   */
  public static DenseNetwork logisticRegression() {
    Random random = new Random(20240601L);
    int rows = 4000;
    int features = TRUE_COEFFICIENTS.length;
    double[][] x = new double[rows][features];
    double[] y = new double[rows];
    for (int r = 0; r < rows; r++) {
      double logit = TRUE_INTERCEPT;
      for (int f = 0; f < features; f++) {
        x[r][f] = random.nextGaussian();
        logit += TRUE_COEFFICIENTS[f] * x[r][f];
      }
      y[r] = random.nextDouble() < sigmoid(logit) ? 1 : 0;
    }
    double[] w = new double[features];
    double b = 0;
    for (int epoch = 0; epoch < 300; epoch++) {
      double[] gradW = new double[features];
      double gradB = 0;
      for (int r = 0; r < rows; r++) {
        double logit = b;
        for (int f = 0; f < features; f++) {
          logit += w[f] * x[r][f];
        }
        double error = sigmoid(logit) - y[r];
        for (int f = 0; f < features; f++) {
          gradW[f] += error * x[r][f];
        }
        gradB += error;
      }
      for (int f = 0; f < features; f++) {
        w[f] -= 0.5 * gradW[f] / rows;
      }
      b -= 0.5 * gradB / rows;
    }
    float[][] weights = new float[features][1];
    for (int f = 0; f < features; f++) {
      weights[f][0] = (float) w[f];
    }
    Layer layer = new Layer(weights, new float[] {(float) b}, Activation.SIGMOID);
    return new DenseNetwork("input", "probability", List.of(layer));
  }

  /**
   * A multi-layer perceptron, 16 features → 32 ReLU → 3-class softmax, with seeded He-initialised
   * weights (not trained: it stands in for a multiclass classifier). Output {@code probabilities
   * [-1, 3]}.
   */
  public static DenseNetwork mlp() {
    return randomMlp(7L, 16, new int[] {32}, 3);
  }

  /**
   * A heavier perceptron, 512 → 2048 → 2048 → 10 (about 5 million multiply-adds per row), that the
   * benchmark uses to show what batching buys when the model, not HTTP, is the cost.
   */
  public static DenseNetwork heavyMlp() {
    return randomMlp(11L, 512, new int[] {2048, 2048}, 10);
  }

  public static DenseNetwork randomMlp(long seed, int features, int[] hidden, int classes) {
    Random random = new Random(seed);
    List<Layer> layers = new ArrayList<>();
    int in = features;
    for (int width : hidden) {
      layers.add(randomLayer(random, in, width, Activation.RELU));
      in = width;
    }
    layers.add(randomLayer(random, in, classes, Activation.SOFTMAX));
    return new DenseNetwork("input", "probabilities", List.copyOf(layers));
  }

  private static Layer randomLayer(Random random, int in, int out, Activation activation) {
    double scale = Math.sqrt(2.0 / in);
    float[][] weights = new float[in][out];
    for (float[] row : weights) {
      for (int j = 0; j < out; j++) {
        row[j] = (float) (random.nextGaussian() * scale);
      }
    }
    float[] bias = new float[out];
    for (int j = 0; j < out; j++) {
      bias[j] = (float) (random.nextGaussian() * 0.1);
    }
    return new Layer(weights, bias, activation);
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }
}
