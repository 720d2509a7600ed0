package io.modelkeeper.trainer.model;

import io.modelkeeper.server.models.DenseNetwork;
import io.modelkeeper.server.models.DenseNetwork.Activation;
import io.modelkeeper.server.models.DenseNetwork.Layer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A trainable stack of fully connected layers in double precision, working on standardised inputs
 * (see {@link Scaling}): hidden layers apply ReLU, the last gives logits (or the standardised value
 * of a regression). {@link #toDenseNetwork} folds the scaling back in and adds the output
 * activation.
 */
public final class Network {
  private final double[][][] weights;
  private final double[][] biases;

  private Network(double[][][] weights, double[][] biases) {
    this.weights = weights;
    this.biases = biases;
  }

  /** Fresh weights: He-initialised hidden layers, a zero output layer for a linear model. */
  public static Network initial(int inputs, int[] hidden, int outputs, long seed) {
    Random random = new Random(seed);
    int layers = hidden.length + 1;
    double[][][] weights = new double[layers][][];
    double[][] biases = new double[layers][];
    int in = inputs;
    for (int l = 0; l < layers; l++) {
      int out = l < hidden.length ? hidden[l] : outputs;
      weights[l] = new double[in][out];
      biases[l] = new double[out];
      if (hidden.length > 0) {
        double spread = l < hidden.length ? Math.sqrt(2.0 / in) : Math.sqrt(1.0 / in);
        for (double[] row : weights[l]) {
          for (int j = 0; j < out; j++) {
            row[j] = random.nextGaussian() * spread;
          }
        }
      }
      in = out;
    }
    return new Network(weights, biases);
  }

  /**
   * The network of a model read from ONNX (raw inputs and outputs), expressed in the scaling of the
   * new training rows: the inverse of {@link #toDenseNetwork}.
   */
  public static Network fromDenseNetwork(DenseNetwork model, Scaling scaling, boolean regression) {
    List<Layer> layers = model.layers();
    double[][][] weights = new double[layers.size()][][];
    double[][] biases = new double[layers.size()][];
    for (int l = 0; l < layers.size(); l++) {
      Layer layer = layers.get(l);
      weights[l] = new double[layer.inputs()][layer.outputs()];
      biases[l] = new double[layer.outputs()];
      for (int i = 0; i < layer.inputs(); i++) {
        for (int j = 0; j < layer.outputs(); j++) {
          weights[l][i][j] = layer.weights()[i][j];
        }
      }
      for (int j = 0; j < layer.outputs(); j++) {
        biases[l][j] = layer.bias()[j];
      }
    }
    // first layer: x W' + b' = z W + b with z = (x - mean) / scale
    double[][] first = weights[0];
    for (int i = 0; i < first.length; i++) {
      for (int j = 0; j < first[i].length; j++) {
        biases[0][j] += scaling.mean()[i] * first[i][j];
        first[i][j] *= scaling.scale()[i];
      }
    }
    if (regression) {
      int last = weights.length - 1;
      for (double[] row : weights[last]) {
        for (int j = 0; j < row.length; j++) {
          row[j] /= scaling.targetScale();
        }
      }
      for (int j = 0; j < biases[last].length; j++) {
        biases[last][j] = (biases[last][j] - scaling.targetMean()) / scaling.targetScale();
      }
    }
    return new Network(weights, biases);
  }

  public int layers() {
    return weights.length;
  }

  public int inputs() {
    return weights[0].length;
  }

  public int outputs() {
    return biases[biases.length - 1].length;
  }

  /** Widths of the hidden layers. */
  public int[] hidden() {
    int[] hidden = new int[weights.length - 1];
    for (int l = 0; l < hidden.length; l++) {
      hidden[l] = biases[l].length;
    }
    return hidden;
  }

  /**
   * Runs one standardised row; {@code activations[l]} receives layer l's output (after ReLU for
   * hidden layers, logits for the last), and the logits are returned.
   */
  public double[] forward(double[] input, double[][] activations) {
    double[] current = input;
    for (int l = 0; l < weights.length; l++) {
      double[][] w = weights[l];
      double[] out = activations[l];
      System.arraycopy(biases[l], 0, out, 0, out.length);
      for (int i = 0; i < current.length; i++) {
        double x = current[i];
        if (x == 0) {
          continue;
        }
        double[] row = w[i];
        for (int j = 0; j < out.length; j++) {
          out[j] += x * row[j];
        }
      }
      if (l < weights.length - 1) {
        for (int j = 0; j < out.length; j++) {
          out[j] = Math.max(0, out[j]);
        }
      }
      current = out;
    }
    return current;
  }

  /** Buffers for {@link #forward}, one per layer. */
  public double[][] newActivations() {
    double[][] activations = new double[weights.length][];
    for (int l = 0; l < weights.length; l++) {
      activations[l] = new double[biases[l].length];
    }
    return activations;
  }

  /** The weights {@code [layer][in][out]}, live: training updates them in place. */
  public double[][][] weights() {
    return weights;
  }

  /** The biases {@code [layer][out]}, live. */
  public double[][] biases() {
    return biases;
  }

  /** The ONNX-ready model: scaling folded into the first and last layers, float weights. */
  public DenseNetwork toDenseNetwork(ModelShape shape, Scaling scaling) {
    int layers = weights.length;
    double[][][] w = new double[layers][][];
    double[][] b = new double[layers][];
    for (int l = 0; l < layers; l++) {
      w[l] = new double[weights[l].length][];
      for (int i = 0; i < weights[l].length; i++) {
        w[l][i] = weights[l][i].clone();
      }
      b[l] = biases[l].clone();
    }
    for (int i = 0; i < w[0].length; i++) {
      for (int j = 0; j < w[0][i].length; j++) {
        w[0][i][j] /= scaling.scale()[i];
        b[0][j] -= scaling.mean()[i] * w[0][i][j];
      }
    }
    if (!shape.output().task().isClassification()) {
      int last = layers - 1;
      for (double[] row : w[last]) {
        for (int j = 0; j < row.length; j++) {
          row[j] *= scaling.targetScale();
        }
      }
      for (int j = 0; j < b[last].length; j++) {
        b[last][j] = b[last][j] * scaling.targetScale() + scaling.targetMean();
      }
    }
    List<Layer> dense = new ArrayList<>(layers);
    for (int l = 0; l < layers; l++) {
      float[][] fw = new float[w[l].length][b[l].length];
      for (int i = 0; i < fw.length; i++) {
        for (int j = 0; j < fw[i].length; j++) {
          fw[i][j] = (float) w[l][i][j];
        }
      }
      float[] fb = new float[b[l].length];
      for (int j = 0; j < fb.length; j++) {
        fb[j] = (float) b[l][j];
      }
      dense.add(new Layer(fw, fb, l < layers - 1 ? Activation.RELU : shape.output().activation()));
    }
    return new DenseNetwork(shape.inputName(), shape.outputName(), List.copyOf(dense));
  }

  /** The model file's bytes. */
  public byte[] toOnnx(ModelShape shape, Scaling scaling) {
    Map<String, String> metadata = shape.metadata();
    return toDenseNetwork(shape, scaling).toOnnx(shape.graphName(), metadata);
  }
}
