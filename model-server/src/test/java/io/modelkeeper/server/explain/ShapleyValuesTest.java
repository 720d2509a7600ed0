package io.modelkeeper.server.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.modelkeeper.server.models.DenseNetwork;
import io.modelkeeper.server.models.DenseNetwork.Activation;
import io.modelkeeper.server.models.DenseNetwork.Layer;
import io.modelkeeper.server.models.SampleModels;
import io.modelkeeper.server.onnx.ModelRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Exactness of the server's Shapley values against {@link BruteForceShapley}, and convergence of
 * Kernel SHAP and LIME, through the same {@link ModelRows} path requests take.
 */
class ShapleyValuesTest {
  private static final Path EXAMPLES = locateExamples();

  private static Path locateExamples() {
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("examples/models"))) {
        return p.resolve("examples/models");
      }
    }
    throw new IllegalStateException("examples/models not found above " + here);
  }

  static Stream<Arguments> models() throws Exception {
    List<Arguments> models = new ArrayList<>();
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      for (Path dir : files.filter(Files::isDirectory).sorted().toList()) {
        Path file = dir.resolve("model.onnx");
        if (Files.isRegularFile(file)) {
          models.add(Arguments.of(dir.getFileName().toString(), Files.readAllBytes(file)));
        }
      }
    }
    assertThat(models).as("shipped example models").hasSizeGreaterThanOrEqualTo(2);
    // A model the test builds: two ReLU layers and two linear outputs, so nothing is additive.
    DenseNetwork built = SampleModels.randomMlp(99L, 6, new int[] {12, 8}, 2);
    DenseNetwork linearOut =
        new DenseNetwork(
            built.inputName(),
            "scores",
            List.of(
                built.layers().get(0),
                built.layers().get(1),
                new Layer(
                    built.layers().get(2).weights(),
                    built.layers().get(2).bias(),
                    Activation.NONE)));
    models.add(Arguments.of("built 6-feature network", linearOut.toOnnx("built", Map.of())));
    return models.stream();
  }

  private static ModelRunner open(byte[] model) throws Exception {
    return ModelRunner.open(model, false, warning -> {});
  }

  private static ModelRows rows(ModelRunner runner) {
    FeatureSpace space = FeatureSpace.of(runner.signature(), List.of(), Map.of(), null);
    return new ModelRows(runner, space, 1000, ModelRows.Turn.NOW);
  }

  private static float[][] randomRows(Random random, int rows, int features) {
    float[][] values = new float[rows][features];
    for (float[] row : values) {
      for (int j = 0; j < features; j++) {
        row[j] = (float) random.nextGaussian();
      }
    }
    return values;
  }

  private static double[] doubles(float[] values) {
    double[] result = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      result[i] = values[i];
    }
    return result;
  }

  private static double[][] doubles(float[][] rows) {
    return Stream.of(rows).map(ShapleyValuesTest::doubles).toArray(double[][]::new);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void exactShapleyValues_equalBruteForceEnumeration_andSumToPredictionMinusBase(
      String name, byte[] model) throws Exception {
    try (ModelRunner runner = open(model)) {
      ModelRows rows = rows(runner);
      int m = rows.space().features();
      Random random = new Random(m);
      float[] x = randomRows(random, 1, m)[0];
      float[][] background = randomRows(random, 5, m);

      RowExplanation explained = ShapleyValues.exact(rows, doubles(x), doubles(background));

      String output = rows.space().outputs().get(0).name();
      double[][] expected =
          BruteForceShapley.of(runner, rows.space().input(), output, x, background);
      assertThat(explained.attributions()).hasSameDimensionsAs(expected);
      for (int c = 0; c < expected.length; c++) {
        for (int j = 0; j < m; j++) {
          assertThat(explained.attributions()[c][j])
              .as("%s output column %d feature %d", name, c, j)
              .isCloseTo(expected[c][j], within(1e-6));
        }
        double sum = 0;
        for (double value : explained.attributions()[c]) {
          sum += value;
        }
        assertThat(sum)
            .as("%s column %d: attributions sum to prediction − base", name, c)
            .isCloseTo(explained.predictions()[c] - explained.baseValues()[c], within(1e-9));
      }
      assertThat(rows.rowsRun()).isEqualTo(ShapleyValues.exactCost(m, 5));
    }
  }

  /** A linear regression y = w·x + b with weights of a few units. */
  private static DenseNetwork linear(double[] w, double b) {
    float[][] weights = new float[w.length][1];
    for (int j = 0; j < w.length; j++) {
      weights[j][0] = (float) w[j];
    }
    return new DenseNetwork(
        "input", "value", List.of(new Layer(weights, new float[] {(float) b}, Activation.NONE)));
  }

  @Test
  void linearRegression_exactShapleyValuesAreWeightTimesDistanceFromBackgroundMean()
      throws Exception {
    double[] w = {1.5, -2.0, 0.75, 0.0, 3.0, -0.5};
    try (ModelRunner runner = open(linear(w, 0.25).toOnnx("linear", Map.of()))) {
      ModelRows rows = rows(runner);
      Random random = new Random(3);
      float[] x = randomRows(random, 1, w.length)[0];
      float[][] background = randomRows(random, 40, w.length);

      RowExplanation explained = ShapleyValues.exact(rows, doubles(x), doubles(background));

      for (int j = 0; j < w.length; j++) {
        double mean = 0;
        for (float[] b : background) {
          mean += b[j] / (double) background.length;
        }
        assertThat(explained.attributions()[0][j])
            .as("feature %d", j)
            .isCloseTo(w[j] * (x[j] - mean), within(1e-6));
      }
    }
  }

  /**
   * 32 features in 8 groups of 4; each hidden ReLU unit sees one group only, so the model is a sum
   * of per-group functions and its exact Shapley values come from enumerating each group's 16
   * coalitions.
   */
  private static DenseNetwork blockModel(Random random) {
    int groups = 8;
    int perGroup = 4;
    int hiddenPerGroup = 2;
    float[][] first = new float[groups * perGroup][groups * hiddenPerGroup];
    float[] firstBias = new float[groups * hiddenPerGroup];
    float[][] second = new float[groups * hiddenPerGroup][1];
    for (int g = 0; g < groups; g++) {
      for (int h = 0; h < hiddenPerGroup; h++) {
        int unit = g * hiddenPerGroup + h;
        for (int f = 0; f < perGroup; f++) {
          first[g * perGroup + f][unit] = (float) random.nextGaussian();
        }
        firstBias[unit] = (float) (random.nextGaussian() * 0.5);
        second[unit][0] = (float) random.nextGaussian();
      }
    }
    return new DenseNetwork(
        "input",
        "value",
        List.of(
            new Layer(first, firstBias, Activation.RELU),
            new Layer(second, new float[] {0.1f}, Activation.NONE)));
  }

  /** Exact Shapley values of the block model, group by group, in double precision. */
  private static double[] blockShapley(DenseNetwork model, float[] x, float[][] background) {
    Layer first = model.layers().get(0);
    Layer second = model.layers().get(1);
    int m = x.length;
    double[] phi = new double[m];
    for (int g = 0; g < 8; g++) {
      int from = g * 4;
      double[] value = new double[16];
      for (int mask = 0; mask < 16; mask++) {
        for (float[] b : background) {
          for (int h = 0; h < 2; h++) {
            int unit = g * 2 + h;
            double z = first.bias()[unit];
            for (int f = 0; f < 4; f++) {
              double v = (mask & (1 << f)) != 0 ? x[from + f] : b[from + f];
              z += first.weights()[from + f][unit] * v;
            }
            value[mask] += Math.max(0, z) * second.weights()[unit][0] / background.length;
          }
        }
      }
      double[] weight = {1 / 4.0, 1 / 12.0, 1 / 12.0, 1 / 4.0};
      for (int f = 0; f < 4; f++) {
        for (int mask = 0; mask < 16; mask++) {
          if ((mask & (1 << f)) == 0) {
            phi[from + f] +=
                weight[Integer.bitCount(mask)] * (value[mask | (1 << f)] - value[mask]);
          }
        }
      }
    }
    return phi;
  }

  @Test
  void kernelShap_on32Features_convergesToExactValuesAsSamplesGrow() throws Exception {
    Random random = new Random(32);
    DenseNetwork model = blockModel(random);
    float[] x = randomRows(random, 1, 32)[0];
    float[][] background = randomRows(random, 10, 32);
    double[] exact = blockShapley(model, x, background);
    double scale = 0;
    for (double value : exact) {
      scale = Math.max(scale, Math.abs(value));
    }
    int[] samples = {128, 512, 2048, 8192, 32768};
    double[] errors = new double[samples.length];
    try (ModelRunner runner = open(model.toOnnx("block", Map.of()))) {
      StringBuilder table = new StringBuilder("Kernel SHAP, 32 features, 10 background rows\n");
      table
          .append("samples  max |error|  mean |error|  (largest |exact| ")
          .append(String.format("%.4f", scale))
          .append(")\n");
      for (int s = 0; s < samples.length; s++) {
        ModelRows rows = rows(runner);
        RowExplanation explained =
            ShapleyValues.kernel(rows, doubles(x), doubles(background), samples[s], 7L);
        double max = 0;
        double mean = 0;
        double sum = 0;
        for (int j = 0; j < 32; j++) {
          double error = Math.abs(explained.attributions()[0][j] - exact[j]);
          max = Math.max(max, error);
          mean += error / 32;
          sum += explained.attributions()[0][j];
        }
        errors[s] = mean;
        table.append(String.format("%7d  %11.6f  %12.6f%n", samples[s], max, mean));
        assertThat(sum)
            .as("attributions sum to prediction − base")
            .isCloseTo(explained.predictions()[0] - explained.baseValues()[0], within(1e-9));
        assertThat(rows.rowsRun()).isEqualTo(ShapleyValues.kernelCost(samples[s], 10));
      }
      System.out.print(table);
    }
    assertThat(errors[errors.length - 1]).isLessThan(errors[0] / 4);
    assertThat(errors[errors.length - 1]).isLessThan(0.02 * scale);
  }

  @Test
  void lime_recoversTheWeightsOfALinearModel() throws Exception {
    double[] w = {1.5, -2.0, 0.75, 0.0, 3.0};
    try (ModelRunner runner = open(linear(w, -1).toOnnx("linear", Map.of()))) {
      ModelRows rows = rows(runner);
      Random random = new Random(5);
      float[] x = randomRows(random, 1, w.length)[0];
      double[][] background = doubles(randomRows(random, 50, w.length));

      RowExplanation explained = LimeSurrogate.explain(rows, doubles(x), background, 500, 1L);

      for (int j = 0; j < w.length; j++) {
        assertThat(explained.coefficients()[0][j]).as("slope %d", j).isCloseTo(w[j], within(1e-4));
      }
      assertThat(explained.fit()[0]).isCloseTo(1.0, within(1e-6));
      assertThat(rows.rowsRun()).isEqualTo(LimeSurrogate.cost(500));
    }
  }

  @Test
  void lime_onANonLinearModel_reportsAFitBelowOne() throws Exception {
    try (ModelRunner runner = open(SampleModels.mlp().toOnnx("mlp", Map.of()))) {
      ModelRows rows = rows(runner);
      Random random = new Random(9);
      double[][] background = doubles(randomRows(random, 30, 16));
      double[] x = doubles(randomRows(random, 1, 16)[0]);

      RowExplanation explained = LimeSurrogate.explain(rows, x, background, 2000, 1L);

      assertThat(explained.fit()).hasSize(3);
      for (double r2 : explained.fit()) {
        assertThat(r2).isBetween(0.0, 0.999);
      }
    }
  }
}
