package io.modelkeeper.server.explain;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.modelkeeper.contract.ServerMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Feature importance over live traffic: which requests are sampled, the window of their
 * attributions' magnitudes, its gauges and its {@code importance} object in the quality JSON.
 */
final class LiveImportance {

  /** Features beyond this many get no gauge (the quality JSON lists them all). */
  static final int MAX_GAUGED_FEATURES = 64;

  private final FeatureSpace space;
  private final double rate;
  private final String algorithm;
  private final ImportanceWindow window;
  private final AtomicLong explained = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private volatile String background;

  LiveImportance(FeatureSpace space, double rate, String algorithm, int windowRows) {
    this.space = space;
    this.rate = rate;
    this.algorithm = algorithm;
    this.window = new ImportanceWindow(space.features(), windowRows);
  }

  boolean on() {
    return rate > 0;
  }

  /** Whether this request is one of the sampled share. */
  boolean sampled() {
    return rate > 0 && ThreadLocalRandom.current().nextDouble() < rate;
  }

  /** Takes one explained row in: |attribution| per feature, averaged over the output columns. */
  void explained(RowExplanation row, String backgroundSource) {
    int m = space.features();
    double[] magnitudes = new double[m];
    int columns = row.attributions().length;
    for (double[] attributions : row.attributions()) {
      for (int j = 0; j < m; j++) {
        magnitudes[j] += Math.abs(attributions[j]) / columns;
      }
    }
    window.add(magnitudes);
    background = backgroundSource;
    explained.incrementAndGet();
  }

  /** A sampled request that was not explained: its queue was full, or it had no background. */
  void dropped() {
    dropped.incrementAndGet();
  }

  void failed() {
    failed.incrementAndGet();
  }

  void register(MeterRegistry registry) {
    List<String> names = space.names();
    for (int j = 0; j < Math.min(names.size(), MAX_GAUGED_FEATURES); j++) {
      int feature = j;
      Gauge.builder(ServerMetrics.FEATURE_IMPORTANCE, window, w -> w.means()[feature])
          .tags(Tags.of(ServerMetrics.FEATURE, names.get(j)))
          .description(
              "Mean |attribution| (Shapley value) of one input feature over the live explanations"
                  + " of the quality window")
          .strongReference(true)
          .register(registry);
    }
    Map<String, AtomicLong> results =
        Map.of("explained", explained, "dropped", dropped, "failed", failed);
    results.forEach(
        (result, count) ->
            FunctionCounter.builder("modelkeeper.live.explanations", count, AtomicLong::get)
                .tags(Tags.of("result", result))
                .description("Live requests sampled for importance, by what became of them")
                .register(registry));
  }

  /** The {@code importance} object of the quality JSON; features most important first. */
  Map<String, Object> json() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("enabled", on());
    if (!on()) {
      return body;
    }
    body.put("rate", rate);
    body.put("method", "shap");
    body.put("algorithm", algorithm);
    body.put("output", space.outputs().get(0).name());
    body.put("background", background);
    body.put("window", Map.of("capacity", window.capacity(), "size", window.size()));
    body.put("explained_total", explained.get());
    body.put("dropped_total", dropped.get());
    body.put("failed_total", failed.get());
    double[] means = window.means();
    List<Integer> order = new ArrayList<>();
    for (int j = 0; j < means.length; j++) {
      order.add(j);
    }
    // Most important first; NaN (an empty window) sorts last.
    order.sort((a, b) -> Double.compare(orLowest(means[b]), orLowest(means[a])));
    List<Map<String, Object>> features = new ArrayList<>();
    for (int j : order) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", space.names().get(j));
      entry.put("mean_abs_attribution", ExplanationJson.figure(means[j]));
      features.add(entry);
    }
    body.put("features", features);
    return body;
  }

  private static double orLowest(double value) {
    return Double.isNaN(value) ? Double.NEGATIVE_INFINITY : value;
  }
}
