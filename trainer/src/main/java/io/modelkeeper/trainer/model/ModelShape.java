package io.modelkeeper.trainer.model;

import java.util.Map;

/**
 * The signature and identity a trained model must have so that clients notice no change: one FP32
 * input {@code [-1, inputWidth]} and one FP32 output {@code [-1, output.width]}, the graph's name
 * and the ONNX metadata properties (copied from the base model).
 */
public record ModelShape(
    String inputName,
    int inputWidth,
    String outputName,
    OutputKind output,
    String graphName,
    Map<String, String> metadata) {}
