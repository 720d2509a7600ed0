package io.modelkeeper.operator.observe;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * An informer cache that keeps objects without metadata.managedFields: the API server's record of
 * which client set which field, often as large as the rest of a pod or Deployment, and never read
 * by the operator (it does not use server-side apply). A write of a cached object leaves the
 * server's record as it is: a request without managedFields does not change them.
 */
public class WithoutManagedFields<T extends HasMetadata> extends BasicItemStore<T> {

  public WithoutManagedFields() {
    super(Cache::metaNamespaceKeyFunc);
  }

  @Override
  public T put(String key, T object) {
    if (object.getMetadata() != null) {
      object.getMetadata().setManagedFields(null);
    }
    return super.put(key, object);
  }
}
