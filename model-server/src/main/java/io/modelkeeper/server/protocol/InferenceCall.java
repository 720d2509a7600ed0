package io.modelkeeper.server.protocol;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One inference request from receipt to answer. Its answer is sent from the event loop, a worker or
 * an inference thread, while the caller may hang up at any moment: each step that must happen once
 * (leaving the arriving count, being counted under an outcome) is claimed atomically, so the first
 * one to get there does it and the others do nothing.
 */
final class InferenceCall {

  private final long startNanos;
  private final AtomicBoolean arriving = new AtomicBoolean();
  private final AtomicBoolean counted = new AtomicBoolean();
  private final Admission.Held held = new Admission.Held();
  private volatile CompletableFuture<?> pending;

  /** A request that arrived at {@code startNanos} (by {@link System#nanoTime()}). */
  InferenceCall(long startNanos) {
    this.startNanos = startNanos;
  }

  long startNanos() {
    return startNanos;
  }

  Admission.Held held() {
    return held;
  }

  /** The request is on its way to the batcher. */
  void arriving() {
    arriving.set(true);
  }

  /** True for the one caller that takes the request off its way to the batcher. */
  boolean arrived() {
    return arriving.compareAndSet(true, false);
  }

  /** True for the one caller that counts the request's outcome; false once it is counted. */
  boolean count() {
    return counted.compareAndSet(false, true);
  }

  boolean counted() {
    return counted.get();
  }

  void pending(CompletableFuture<?> inference) {
    pending = inference;
  }

  /** The queued inference, or null before it is submitted. */
  CompletableFuture<?> pending() {
    return pending;
  }
}
