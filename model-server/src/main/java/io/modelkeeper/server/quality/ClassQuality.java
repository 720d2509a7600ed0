package io.modelkeeper.server.quality;

/**
 * Quality figures for one class of a classifier; NaN marks a figure the window cannot define
 * (precision of a class never predicted, recall of a class never seen in the labels).
 */
public record ClassQuality(
    int index,
    String name,
    long support,
    long predicted,
    double precision,
    double recall,
    double f1,
    double aucRoc) {}
