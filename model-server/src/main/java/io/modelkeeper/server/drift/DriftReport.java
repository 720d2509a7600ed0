package io.modelkeeper.server.drift;

import java.util.List;

/**
 * Input and prediction drift at one moment.
 *
 * @param reference {@code shipped}, {@code captured}, or {@code capturing} while the first requests
 *     are still being collected
 * @param referenceRows rows captured into the reference so far (0 for a shipped reference)
 * @param windowRows recent rows compared against the reference
 * @param score the overall drift score: the largest PSI over the features and the prediction; NaN
 *     while no PSI is known
 * @param prediction drift of the prediction, or null when it is not measured
 */
public record DriftReport(
    String reference,
    int referenceRows,
    int windowRows,
    double alpha,
    double score,
    List<FeatureDrift> features,
    FeatureDrift prediction) {}
