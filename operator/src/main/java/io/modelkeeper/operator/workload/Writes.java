package io.modelkeeper.operator.workload;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.function.Supplier;

/**
 * The writes of one reconcile. A write that meets a newer version of its object (409 Conflict) is
 * not an error: the informer had not yet seen the change, and the next look, moments later, will.
 */
public final class Writes {

  private boolean conflicted;

  /** Runs one write; returns false when it met a conflict, which is remembered. */
  public boolean tolerateConflict(Runnable write) {
    return tolerateConflict(
        () -> {
          write.run();
          return true;
        },
        false);
  }

  /** Runs writes that answer a value; {@code onConflict} when one met a conflict. */
  public <T> T tolerateConflict(Supplier<T> writes, T onConflict) {
    try {
      return writes.get();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      conflicted = true;
      return onConflict;
    }
  }

  /** True when no write met a conflict. */
  public boolean clean() {
    return !conflicted;
  }
}
