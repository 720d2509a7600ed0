package io.modelkeeper.server.batching;

import io.modelkeeper.server.onnx.Tensor;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** One caller's validated inputs waiting in the queue, and the promise of its own output rows. */
final class PendingInference {

  final Map<String, Tensor> inputs;
  final int rows;
  final long enqueuedNanos = System.nanoTime();

  /** When it stops being worth running, by {@link System#nanoTime()}; 0 for never. */
  final long deadlineNanos;

  final CompletableFuture<Map<String, Tensor>> result = new CompletableFuture<>();

  PendingInference(Map<String, Tensor> inputs, int rows, long deadlineNanos) {
    this.inputs = inputs;
    this.rows = rows;
    this.deadlineNanos = deadlineNanos;
  }

  /** Requests can share a batch when every input has the same shape apart from the row count. */
  boolean stacksWith(PendingInference other) {
    for (Tensor mine : inputs.values()) {
      Tensor theirs = other.inputs.get(mine.name());
      if (theirs == null || mine.shape().length != theirs.shape().length) {
        return false;
      }
      long[] a = mine.shape();
      long[] b = theirs.shape();
      if (!Arrays.equals(a, 1, a.length, b, 1, b.length)) {
        return false;
      }
    }
    return true;
  }
}
