package io.modelkeeper.server.drift;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Recent input rows and predictions of one model version, compared with reference statistics.
 *
 * <p>Recording a row is a copy of a few floats into a ring buffer under a short lock; binning, PSI
 * and KS run when a report is asked for (a scrape). Without a shipped reference, the first {@code
 * referenceRows} rows become the reference and only later rows count as recent.
 */
public final class DriftMonitor {
  /** Below this many recent rows, drift figures are NaN: PSI of a handful of rows is noise. */
  public static final int MIN_WINDOW_ROWS = 50;

  private final List<FeatureReference> columns;
  private final int width;
  private final boolean trackPrediction;
  private final double alpha;
  private final long reportReuseNanos;
  private final int capacity;
  private final float[] window;
  private final float[] windowPredictions;
  private int next;
  private int size;
  private long changes;

  private final int referenceTarget;
  private float[] captureRows;
  private float[] capturePredictions;
  private int captured;
  private ReferenceStatistics reference;
  private final String source;

  private DriftReport cached;
  private long cachedChanges = -1;
  private long cachedAtNanos;

  /**
   * Sizes and test level of a monitor.
   *
   * @param windowRows recent rows compared against the reference
   * @param referenceRows rows captured as the reference when none is shipped
   * @param alpha significance level of the KS test
   * @param reportReuse how long a computed report is served again while rows keep arriving, so the
   *     gauges of one scrape share one computation
   */
  public record Settings(int windowRows, int referenceRows, double alpha, Duration reportReuse) {}

  private DriftMonitor(
      List<FeatureReference> columns,
      boolean trackPrediction,
      ReferenceStatistics reference,
      Settings settings) {
    int windowRows = settings.windowRows();
    int referenceRows = settings.referenceRows();
    double alpha = settings.alpha();
    this.reportReuseNanos = settings.reportReuse().toNanos();
    if (windowRows < 1) {
      throw new IllegalArgumentException("drift window must hold at least 1 row");
    }
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("drift alpha must be between 0 and 1, got " + alpha);
    }
    this.columns = List.copyOf(columns);
    this.width = columns.size();
    this.trackPrediction = trackPrediction;
    this.alpha = alpha;
    this.capacity = windowRows;
    this.window = new float[windowRows * width];
    this.windowPredictions = trackPrediction ? new float[windowRows] : null;
    this.reference = reference;
    this.source = reference != null ? "shipped" : "captured";
    this.referenceTarget = referenceRows;
    if (reference == null) {
      if (referenceRows < MIN_WINDOW_ROWS) {
        throw new IllegalArgumentException(
            "drift reference capture needs at least " + MIN_WINDOW_ROWS + " rows");
      }
      captureRows = new float[referenceRows * width];
      capturePredictions = trackPrediction ? new float[referenceRows] : null;
    }
  }

  /** Measures drift against statistics shipped with the model. */
  public static DriftMonitor against(ReferenceStatistics shipped, Settings settings) {
    return new DriftMonitor(shipped.features(), shipped.prediction() != null, shipped, settings);
  }

  /**
   * Captures the reference from the first {@code referenceRows} rows, then measures drift.
   *
   * @param columns name, input and column of each tracked feature; statistics are ignored
   */
  public static DriftMonitor capturing(
      List<FeatureReference> columns, boolean trackPrediction, Settings settings) {
    return new DriftMonitor(columns, trackPrediction, null, settings);
  }

  /** The tracked features, in the order a recorded row lists their values. */
  public List<FeatureReference> columns() {
    return columns;
  }

  public boolean tracksPrediction() {
    return trackPrediction;
  }

  /**
   * Records rows of one request.
   *
   * @param rows row-major {@code rowCount x columns().size()} feature values
   * @param predictions one prediction per row when {@link #tracksPrediction()}, else ignored
   * @return true when these rows completed the captured reference
   */
  public synchronized boolean record(float[] rows, int rowCount, float[] predictions) {
    changes++;
    boolean completed = false;
    for (int row = 0; row < rowCount; row++) {
      if (reference == null) {
        System.arraycopy(rows, row * width, captureRows, captured * width, width);
        if (trackPrediction) {
          capturePredictions[captured] = predictions[row];
        }
        if (++captured == referenceTarget) {
          reference = buildCapturedReference();
          captureRows = null;
          capturePredictions = null;
          completed = true;
        }
        continue;
      }
      System.arraycopy(rows, row * width, window, next * width, width);
      if (trackPrediction) {
        windowPredictions[next] = predictions[row];
      }
      next = (next + 1) % capacity;
      size = Math.min(size + 1, capacity);
    }
    return completed;
  }

  /** Where the reference comes from: {@code shipped} or {@code captured}. */
  public String source() {
    return source;
  }

  /** The reference in use, or null while it is still being captured. */
  public synchronized ReferenceStatistics reference() {
    return reference;
  }

  private ReferenceStatistics buildCapturedReference() {
    List<FeatureReference> features = new ArrayList<>(width);
    double[] values = new double[referenceTarget];
    for (int f = 0; f < width; f++) {
      for (int row = 0; row < referenceTarget; row++) {
        values[row] = captureRows[row * width + f];
      }
      FeatureReference column = columns.get(f);
      features.add(
          FeatureReference.fromValues(column.name(), column.input(), column.column(), values));
    }
    FeatureReference prediction = null;
    if (trackPrediction) {
      for (int row = 0; row < referenceTarget; row++) {
        values[row] = capturePredictions[row];
      }
      prediction = FeatureReference.fromValues("prediction", null, null, values);
    }
    return new ReferenceStatistics(
        ReferenceStatistics.FORMAT,
        "captured from the first " + referenceTarget + " rows after the model loaded",
        features,
        prediction);
  }

  /** Drift now; a report computed less than {@code reportReuse} ago is served again. */
  public DriftReport report() {
    ReferenceStatistics currentReference;
    double[][] columnValues;
    double[] predictionValues;
    int n;
    int referenceRows;
    long version;
    synchronized (this) {
      long now = System.nanoTime();
      if (cached != null && (cachedChanges == changes || now - cachedAtNanos < reportReuseNanos)) {
        return cached;
      }
      version = changes;
      currentReference = reference;
      referenceRows = source.equals("shipped") ? 0 : reference == null ? captured : referenceTarget;
      n = size;
      columnValues = new double[width][n];
      for (int row = 0; row < n; row++) {
        for (int f = 0; f < width; f++) {
          columnValues[f][row] = window[row * width + f];
        }
      }
      predictionValues = new double[trackPrediction ? n : 0];
      for (int row = 0; row < predictionValues.length; row++) {
        predictionValues[row] = windowPredictions[row];
      }
    }
    DriftReport report =
        compute(currentReference, columnValues, predictionValues, n, referenceRows);
    synchronized (this) {
      cached = report;
      cachedChanges = version;
      cachedAtNanos = System.nanoTime();
    }
    return report;
  }

  private DriftReport compute(
      ReferenceStatistics currentReference,
      double[][] columnValues,
      double[] predictionValues,
      int n,
      int referenceRows) {
    List<FeatureDrift> features = new ArrayList<>(width);
    double score = Double.NaN;
    for (int f = 0; f < width; f++) {
      FeatureDrift drift =
          currentReference == null
              ? FeatureDrift.unknown(columns.get(f).name())
              : drift(currentReference.features().get(f), columnValues[f], n);
      features.add(drift);
      score = maxIgnoringNaN(score, drift.psi());
    }
    FeatureDrift prediction = null;
    if (trackPrediction) {
      prediction =
          currentReference == null
              ? FeatureDrift.unknown("prediction")
              : drift(currentReference.prediction(), predictionValues, n);
      score = maxIgnoringNaN(score, prediction.psi());
    }
    String state = currentReference == null ? "capturing" : source;
    return new DriftReport(state, referenceRows, n, alpha, score, features, prediction);
  }

  private FeatureDrift drift(FeatureReference featureReference, double[] values, int n) {
    if (n < MIN_WINDOW_ROWS) {
      return FeatureDrift.unknown(featureReference.name());
    }
    double psi =
        DriftStatistics.psi(
            featureReference.proportions(), featureReference.proportionsOf(values, n));
    double[] sample = featureReference.sample();
    if (sample == null || sample.length == 0) {
      return new FeatureDrift(
          featureReference.name(), psi, Double.NaN, Double.NaN, Double.NaN, false);
    }
    double ks = DriftStatistics.ksStatistic(sample, values);
    double pValue = DriftStatistics.ksPValue(ks, sample.length, n);
    double critical = DriftStatistics.ksCriticalValue(alpha, sample.length, n);
    return new FeatureDrift(featureReference.name(), psi, ks, pValue, critical, pValue < alpha);
  }

  private static double maxIgnoringNaN(double a, double b) {
    if (Double.isNaN(a)) {
      return b;
    }
    return Double.isNaN(b) ? a : Math.max(a, b);
  }
}
