package io.modelkeeper.server.explain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The body of an answer to {@code POST /v2/models/{m}/explain}; undefined figures are null. */
final class ExplanationJson {
  private ExplanationJson() {}

  /** What one explanation request ran, for its answer. */
  record Run(
      String model,
      String version,
      String id,
      FeatureSpace space,
      ExplanationMethod method,
      Background background,
      int samples,
      long modelRows,
      long nanos) {}

  static Map<String, Object> of(Run run, List<RowExplanation> rows) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("model_name", run.model());
    body.put("model_version", run.version());
    if (run.id() != null) {
      body.put("id", run.id());
    }
    body.put("method", run.method().method());
    body.put("algorithm", run.method().algorithm());
    body.put("features", run.space().names());
    Map<String, Object> background = new LinkedHashMap<>();
    background.put("source", run.background().source());
    background.put("rows", run.background().rows().length);
    body.put("background", background);
    Map<String, Object> cost = new LinkedHashMap<>();
    cost.put("model_rows", run.modelRows());
    cost.put("samples", run.method().algorithm().equals("exact") ? null : run.samples());
    cost.put("millis", run.nanos() / 1e6);
    body.put("cost", cost);
    List<Object> explanations = new ArrayList<>();
    for (int r = 0; r < rows.size(); r++) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("row", r);
      row.put("outputs", outputs(run.space(), rows.get(r)));
      explanations.add(row);
    }
    body.put("explanations", explanations);
    return body;
  }

  private static List<Object> outputs(FeatureSpace space, RowExplanation row) {
    List<Object> outputs = new ArrayList<>();
    int column = 0;
    for (FeatureSpace.Output output : space.outputs()) {
      for (int index = 0; index < output.columns(); index++, column++) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("name", output.name());
        entry.put("index", index);
        entry.put("prediction", figure(row.predictions()[column]));
        entry.put("base_value", figure(row.baseValues()[column]));
        entry.put("attributions", figures(row.attributions()[column]));
        if (row.fit() != null) {
          entry.put("r2", figure(row.fit()[column]));
          entry.put("coefficients", figures(row.coefficients()[column]));
        }
        outputs.add(entry);
      }
    }
    return outputs;
  }

  private static List<Double> figures(double[] values) {
    List<Double> figures = new ArrayList<>(values.length);
    for (double value : values) {
      figures.add(figure(value));
    }
    return figures;
  }

  static Double figure(double value) {
    return Double.isFinite(value) ? value : null;
  }
}
