package io.modelkeeper.operator.observe;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.List;

/**
 * An informer cache that keeps each object as {@link Compaction} makes it: the same fields and
 * values in less memory, without metadata.managedFields (the API server's record of which client
 * set which field, often as large as the rest of a pod or Deployment, never read by the operator,
 * which does not use server-side apply; a write of a cached object leaves the server's record as it
 * is, since a request without managedFields does not change them).
 */
public class CompactStore<T extends HasMetadata> extends BasicItemStore<T> {

  public CompactStore() {
    super(Cache::metaNamespaceKeyFunc);
  }

  @Override
  public T put(String key, T object) {
    if (object.getMetadata() != null) {
      object.getMetadata().setManagedFields(List.of());
    }
    Compaction.compact(object);
    return super.put(key, object);
  }
}
