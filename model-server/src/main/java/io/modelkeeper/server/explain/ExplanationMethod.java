package io.modelkeeper.server.explain;

import ai.onnxruntime.OrtException;

/**
 * How one row is explained: exact Shapley values, Kernel SHAP or LIME, chosen in {@link
 * #choose(String, int, int)} from the request's {@code method} and the number of features.
 */
public interface ExplanationMethod {

  /** {@code shap} or {@code lime}, as the request names it. */
  String method();

  /** {@code exact}, {@code kernel} or {@code lime}. */
  String algorithm();

  /** Model rows one row's explanation runs. */
  long cost(int features, int backgroundRows, int samples);

  /**
   * Coalitions or perturbations one row's explanation keeps a value of, per output column, while it
   * runs.
   */
  default long kept(int features, int samples) {
    return samples + 2L;
  }

  RowExplanation explain(ModelRows model, double[] x, double[][] background, int samples, long seed)
      throws OrtException, InterruptedException;

  /** The method for a request's {@code method} parameter ({@code shap} when null). */
  static ExplanationMethod choose(String method, int features, int exactMaxFeatures) {
    if (method == null || method.equals("shap")) {
      return features <= exactMaxFeatures ? new Exact() : new Kernel();
    }
    if (method.equals("lime")) {
      return new Lime();
    }
    throw new IllegalArgumentException(
        "parameters.method must be \"shap\" or \"lime\", got \"" + method + "\"");
  }

  /** Shapley values by enumerating every coalition. */
  final class Exact implements ExplanationMethod {
    @Override
    public String method() {
      return "shap";
    }

    @Override
    public String algorithm() {
      return "exact";
    }

    @Override
    public long cost(int features, int backgroundRows, int samples) {
      return ShapleyValues.exactCost(features, backgroundRows);
    }

    @Override
    public long kept(int features, int samples) {
      return 1L << features;
    }

    @Override
    public RowExplanation explain(
        ModelRows model, double[] x, double[][] background, int samples, long seed)
        throws OrtException, InterruptedException {
      return ShapleyValues.exact(model, x, background);
    }
  }

  /** Shapley values estimated by Kernel SHAP over sampled coalitions. */
  final class Kernel implements ExplanationMethod {
    @Override
    public String method() {
      return "shap";
    }

    @Override
    public String algorithm() {
      return "kernel";
    }

    @Override
    public long cost(int features, int backgroundRows, int samples) {
      return ShapleyValues.kernelCost(samples, backgroundRows);
    }

    @Override
    public RowExplanation explain(
        ModelRows model, double[] x, double[][] background, int samples, long seed)
        throws OrtException, InterruptedException {
      return ShapleyValues.kernel(model, x, background, samples, seed);
    }
  }

  /** A local linear surrogate. */
  final class Lime implements ExplanationMethod {
    @Override
    public String method() {
      return "lime";
    }

    @Override
    public String algorithm() {
      return "lime";
    }

    @Override
    public long cost(int features, int backgroundRows, int samples) {
      return LimeSurrogate.cost(samples);
    }

    @Override
    public RowExplanation explain(
        ModelRows model, double[] x, double[][] background, int samples, long seed)
        throws OrtException, InterruptedException {
      return LimeSurrogate.explain(model, x, background, samples, seed);
    }
  }
}
