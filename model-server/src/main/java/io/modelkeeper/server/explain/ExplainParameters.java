package io.modelkeeper.server.explain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The explanation settings a request carries in its {@code parameters} object.
 *
 * @param method {@code shap}, {@code lime}, or null for the default ({@code shap})
 * @param samples coalitions or perturbations, or null for MODELKEEPER_EXPLAIN_SAMPLES
 * @param seed the seed of the sampling, or null for a fixed one
 * @param background rows given in the request, or null
 */
public record ExplainParameters(String method, Integer samples, Long seed, double[][] background) {

  static final long DEFAULT_SEED = 20261203L;

  /** Reads and checks the parameters; a problem is a 400 (413 for too many rows) naming it. */
  public static ExplainParameters read(ObjectNode parameters, int features, int maxBackgroundRows)
      throws ExplainException {
    if (parameters == null) {
      return new ExplainParameters(null, null, null, null);
    }
    String method = null;
    JsonNode methodNode = parameters.get("method");
    if (methodNode != null && !methodNode.isNull()) {
      if (!methodNode.isTextual()) {
        throw new ExplainException(400, "parameters.method must be \"shap\" or \"lime\"");
      }
      method = methodNode.textValue();
    }
    Integer samples = null;
    JsonNode samplesNode = parameters.get("samples");
    if (samplesNode != null && !samplesNode.isNull()) {
      if (!samplesNode.canConvertToInt() || !samplesNode.isIntegralNumber()) {
        throw new ExplainException(400, "parameters.samples must be a whole number, e.g. 2048");
      }
      samples = samplesNode.intValue();
      if (samples < 1) {
        throw new ExplainException(400, "parameters.samples must be 1 or more, got " + samples);
      }
    }
    Long seed = null;
    JsonNode seedNode = parameters.get("seed");
    if (seedNode != null && !seedNode.isNull()) {
      if (!seedNode.canConvertToLong() || !seedNode.isIntegralNumber()) {
        throw new ExplainException(400, "parameters.seed must be a whole number");
      }
      seed = seedNode.longValue();
    }
    double[][] background = background(parameters.get("background"), features, maxBackgroundRows);
    return new ExplainParameters(method, samples, seed, background);
  }

  private static double[][] background(JsonNode node, int features, int maxRows)
      throws ExplainException {
    if (node == null || node.isNull()) {
      return null;
    }
    String example = "e.g. [[0.1, 2.0, …], …] with " + features + " numbers per row";
    if (!node.isArray() || node.isEmpty()) {
      throw new ExplainException(
          400, "parameters.background must be a non-empty list of rows, " + example);
    }
    if (node.size() > maxRows) {
      throw new ExplainException(
          413,
          "parameters.background has "
              + node.size()
              + " rows, more than the limit of "
              + maxRows
              + " (MODELKEEPER_EXPLAIN_MAX_BACKGROUND_ROWS)");
    }
    double[][] rows = new double[node.size()][features];
    for (int r = 0; r < rows.length; r++) {
      JsonNode row = node.get(r);
      if (!row.isArray() || row.size() != features) {
        throw new ExplainException(
            400,
            "parameters.background["
                + r
                + "] must be a list of "
                + features
                + " numbers, one per feature, "
                + example);
      }
      for (int j = 0; j < features; j++) {
        JsonNode value = row.get(j);
        if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
          throw new ExplainException(
              400, "parameters.background[" + r + "][" + j + "] must be a finite number");
        }
        rows[r][j] = value.doubleValue();
      }
    }
    return rows;
  }
}
