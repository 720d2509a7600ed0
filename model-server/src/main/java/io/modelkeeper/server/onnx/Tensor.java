package io.modelkeeper.server.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.List;

/**
 * A named, row-major tensor held in a primitive array (float[], double[], int[], long[] or
 * boolean[] according to its type), the one form that requests, batches and responses share.
 */
public record Tensor(String name, DataType type, long[] shape, Object data) {

  public static Object newArray(DataType type, int length) {
    return switch (type) {
      case FP32 -> new float[length];
      case FP64 -> new double[length];
      case INT32 -> new int[length];
      case INT64 -> new long[length];
      case BOOL -> new boolean[length];
    };
  }

  public int elementCount() {
    return Array.getLength(data);
  }

  public long rows() {
    return shape.length == 0 ? 1 : shape[0];
  }

  /** The element at a flat index as a float, for listeners that look at inputs as feature rows. */
  public float floatAt(int index) {
    return switch (type) {
      case FP32 -> ((float[]) data)[index];
      case FP64 -> (float) ((double[]) data)[index];
      case INT32 -> ((int[]) data)[index];
      case INT64 -> ((long[]) data)[index];
      case BOOL -> ((boolean[]) data)[index] ? 1f : 0f;
    };
  }

  /** Rows [from, to) along the first dimension. */
  public Tensor sliceRows(int from, int to) {
    int rowSize = rows() == 0 ? 0 : (int) (elementCount() / rows());
    Object slice = newArray(type, (to - from) * rowSize);
    System.arraycopy(data, from * rowSize, slice, 0, (to - from) * rowSize);
    long[] sliceShape = shape.clone();
    sliceShape[0] = to - from;
    return new Tensor(name, type, sliceShape, slice);
  }

  /** Stacks tensors of equal trailing shape along the first dimension. */
  public static Tensor concatRows(List<Tensor> parts) {
    Tensor first = parts.get(0);
    if (parts.size() == 1) {
      return first;
    }
    int total = 0;
    long rows = 0;
    for (Tensor part : parts) {
      total += part.elementCount();
      rows += part.rows();
    }
    Object joined = newArray(first.type, total);
    int offset = 0;
    for (Tensor part : parts) {
      System.arraycopy(part.data, 0, joined, offset, part.elementCount());
      offset += part.elementCount();
    }
    long[] shape = first.shape.clone();
    shape[0] = rows;
    return new Tensor(first.name, first.type, shape, joined);
  }

  public OnnxTensor toOnnx(OrtEnvironment env) throws OrtException {
    return switch (type) {
      case FP32 -> OnnxTensor.createTensor(env, FloatBuffer.wrap((float[]) data), shape);
      case FP64 -> OnnxTensor.createTensor(env, DoubleBuffer.wrap((double[]) data), shape);
      case INT32 -> OnnxTensor.createTensor(env, IntBuffer.wrap((int[]) data), shape);
      case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap((long[]) data), shape);
      case BOOL -> {
        boolean[] values = (boolean[]) data;
        ByteBuffer bytes = ByteBuffer.allocateDirect(values.length).order(ByteOrder.nativeOrder());
        for (boolean value : values) {
          bytes.put((byte) (value ? 1 : 0));
        }
        bytes.rewind();
        yield OnnxTensor.createTensor(env, bytes, shape, type.onnxType());
      }
    };
  }

  /** The bytes the elements take in ONNX Runtime's native layout. */
  public long byteSize() {
    return (long) elementCount() * type.byteSize();
  }

  /**
   * As {@link #toOnnx(OrtEnvironment)}, with the elements copied into {@code direct} (a direct
   * buffer of {@link #byteSize()} bytes, which the tensor uses in place): no native memory is
   * allocated per call. The buffer must not be reused before the tensor is closed.
   */
  public OnnxTensor toOnnx(OrtEnvironment env, ByteBuffer direct) throws OrtException {
    ByteBuffer bytes = direct.order(ByteOrder.nativeOrder());
    return switch (type) {
      case FP32 -> {
        FloatBuffer values = bytes.asFloatBuffer().put((float[]) data);
        yield OnnxTensor.createTensor(env, values.rewind(), shape);
      }
      case FP64 -> {
        DoubleBuffer values = bytes.asDoubleBuffer().put((double[]) data);
        yield OnnxTensor.createTensor(env, values.rewind(), shape);
      }
      case INT32 -> {
        IntBuffer values = bytes.asIntBuffer().put((int[]) data);
        yield OnnxTensor.createTensor(env, values.rewind(), shape);
      }
      case INT64 -> {
        LongBuffer values = bytes.asLongBuffer().put((long[]) data);
        yield OnnxTensor.createTensor(env, values.rewind(), shape);
      }
      case BOOL -> {
        boolean[] values = (boolean[]) data;
        for (int i = 0; i < values.length; i++) {
          bytes.put(i, (byte) (values[i] ? 1 : 0));
        }
        yield OnnxTensor.createTensor(env, bytes, shape, type.onnxType());
      }
    };
  }

  public static Tensor fromOnnx(String name, OnnxTensor tensor) {
    TensorInfo info = tensor.getInfo();
    DataType type =
        DataType.fromOnnx(info.type)
            .orElseThrow(
                () -> new IllegalStateException("output " + name + " has type " + info.type));
    long[] shape = info.getShape();
    int length = (int) info.getNumElements();
    Object data = newArray(type, length);
    switch (type) {
      case FP32 -> tensor.getFloatBuffer().get((float[]) data);
      case FP64 -> tensor.getDoubleBuffer().get((double[]) data);
      case INT32 -> tensor.getIntBuffer().get((int[]) data);
      case INT64 -> tensor.getLongBuffer().get((long[]) data);
      case BOOL -> {
        ByteBuffer bytes = tensor.getByteBuffer();
        boolean[] values = (boolean[]) data;
        for (int i = 0; i < length; i++) {
          values[i] = bytes.get(i) != 0;
        }
      }
    }
    return new Tensor(name, type, shape, data);
  }

  /** Writes the elements little-endian, as the binary-data extension carries them. */
  public void writeLittleEndian(ByteBuffer target) {
    ByteBuffer out = target.order(ByteOrder.LITTLE_ENDIAN);
    int start = out.position();
    int length = elementCount();
    switch (type) {
      case FP32 -> out.asFloatBuffer().put((float[]) data);
      case FP64 -> out.asDoubleBuffer().put((double[]) data);
      case INT32 -> out.asIntBuffer().put((int[]) data);
      case INT64 -> out.asLongBuffer().put((long[]) data);
      case BOOL -> {
        boolean[] values = (boolean[]) data;
        for (int i = 0; i < length; i++) {
          out.put(start + i, (byte) (values[i] ? 1 : 0));
        }
      }
    }
    out.position(start + length * type.byteSize());
  }

  /** Reads little-endian elements of the binary-data extension into a primitive array. */
  public static Object readLittleEndian(DataType type, ByteBuffer source, int length) {
    ByteBuffer in = source.slice().order(ByteOrder.LITTLE_ENDIAN);
    Object data = newArray(type, length);
    switch (type) {
      case FP32 -> in.asFloatBuffer().get((float[]) data);
      case FP64 -> in.asDoubleBuffer().get((double[]) data);
      case INT32 -> in.asIntBuffer().get((int[]) data);
      case INT64 -> in.asLongBuffer().get((long[]) data);
      case BOOL -> {
        boolean[] values = (boolean[]) data;
        for (int i = 0; i < length; i++) {
          values[i] = in.get(i) != 0;
        }
      }
    }
    return data;
  }
}
