package io.modelkeeper.server.protocol;

/**
 * What one inference request may carry: rows (the first dimension of each input) and tensor
 * elements over all its inputs. Both are checked from the shapes alone, before anything is
 * allocated for the data.
 */
public record RequestLimits(int maxRows, long maxElements) {

  /** Elements beyond this would not fit a Java array of 8-byte values. */
  static final long ARRAY_ELEMENTS = Integer.MAX_VALUE / 8;

  public RequestLimits {
    if (maxRows < 1 || maxElements < 1) {
      throw new IllegalArgumentException(
          "MODELKEEPER_MAX_REQUEST_ROWS and MODELKEEPER_MAX_REQUEST_ELEMENTS must be 1 or more");
    }
    maxElements = Math.min(maxElements, ARRAY_ELEMENTS);
  }

  /** The product of the sizes, or {@link Long#MAX_VALUE} where it would overflow. */
  static long elements(long[] shape) {
    long count = 1;
    for (long size : shape) {
      if (size != 0 && count > Long.MAX_VALUE / size) {
        return Long.MAX_VALUE;
      }
      count *= size;
    }
    return count;
  }
}
