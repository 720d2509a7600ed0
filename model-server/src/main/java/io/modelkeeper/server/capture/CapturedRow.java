package io.modelkeeper.server.capture;

import java.time.Instant;
import java.util.Map;

/**
 * One labelled row for the retraining dataset.
 *
 * @param row position of the row in its inference request (0 for single-row requests)
 * @param features input values of this row, by input tensor name
 * @param label class index (classification) or value (regression)
 * @param prediction predicted class index or predicted value
 * @param score binary: probability of class 1; multiclass: probability of the predicted class; null
 *     for regression or when the model gave no probabilities
 * @param probabilities all class probabilities, or null
 */
public record CapturedRow(
    Instant time,
    String id,
    int row,
    Map<String, float[]> features,
    Number label,
    Number prediction,
    Double score,
    float[] probabilities) {}
