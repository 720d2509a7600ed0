package io.modelkeeper.server.onnx;

import ai.onnxruntime.OnnxJavaType;
import java.util.Optional;

/** A tensor element type as the Open Inference Protocol names it, with its ONNX Runtime twin. */
public enum DataType {
  FP32(OnnxJavaType.FLOAT, 4),
  FP64(OnnxJavaType.DOUBLE, 8),
  INT32(OnnxJavaType.INT32, 4),
  INT64(OnnxJavaType.INT64, 8),
  BOOL(OnnxJavaType.BOOL, 1);

  private final OnnxJavaType onnxType;
  private final int byteSize;

  DataType(OnnxJavaType onnxType, int byteSize) {
    this.onnxType = onnxType;
    this.byteSize = byteSize;
  }

  public OnnxJavaType onnxType() {
    return onnxType;
  }

  /** Bytes per element in the binary-data extension (little-endian, BOOL as one byte). */
  public int byteSize() {
    return byteSize;
  }

  public static Optional<DataType> fromProtocolName(String name) {
    for (DataType type : values()) {
      if (type.name().equals(name)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }

  public static Optional<DataType> fromOnnx(OnnxJavaType onnxType) {
    for (DataType type : values()) {
      if (type.onnxType == onnxType) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }

  public static String supportedNames() {
    return "FP32, FP64, INT32, INT64, BOOL";
  }
}
