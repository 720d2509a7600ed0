package io.modelkeeper.server.support;

import io.modelkeeper.server.models.DenseNetwork;

/** The same network computed in plain Java, as the reference that served results must match. */
public final class ForwardPass {

  private ForwardPass() {}

  public static float[] row(DenseNetwork network, float[] features) {
    double[] current = new double[features.length];
    for (int i = 0; i < features.length; i++) {
      current[i] = features[i];
    }
    for (DenseNetwork.Layer layer : network.layers()) {
      double[] next = new double[layer.outputs()];
      for (int j = 0; j < next.length; j++) {
        double sum = layer.bias()[j];
        for (int i = 0; i < current.length; i++) {
          sum += current[i] * layer.weights()[i][j];
        }
        next[j] = sum;
      }
      current = activate(next, layer.activation());
    }
    float[] result = new float[current.length];
    for (int i = 0; i < result.length; i++) {
      result[i] = (float) current[i];
    }
    return result;
  }

  /** Row-major outputs for row-major inputs of {@code rows} rows. */
  public static float[] rows(DenseNetwork network, float[] flat, int rows) {
    int features = network.features();
    int outputs = network.outputs();
    float[] result = new float[rows * outputs];
    for (int r = 0; r < rows; r++) {
      float[] row = new float[features];
      System.arraycopy(flat, r * features, row, 0, features);
      System.arraycopy(row(network, row), 0, result, r * outputs, outputs);
    }
    return result;
  }

  private static double[] activate(double[] values, DenseNetwork.Activation activation) {
    switch (activation) {
      case RELU -> {
        for (int i = 0; i < values.length; i++) {
          values[i] = Math.max(0, values[i]);
        }
      }
      case SIGMOID -> {
        for (int i = 0; i < values.length; i++) {
          values[i] = 1 / (1 + Math.exp(-values[i]));
        }
      }
      case SOFTMAX -> {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
          max = Math.max(max, v);
        }
        double sum = 0;
        for (int i = 0; i < values.length; i++) {
          values[i] = Math.exp(values[i] - max);
          sum += values[i];
        }
        for (int i = 0; i < values.length; i++) {
          values[i] /= sum;
        }
      }
      case NONE -> {}
    }
    return values;
  }
}
