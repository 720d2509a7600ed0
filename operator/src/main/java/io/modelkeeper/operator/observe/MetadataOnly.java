package io.modelkeeper.operator.observe;

import io.fabric8.kubernetes.client.CustomResource;

/**
 * An informer cache for a watch that only wakes other objects: it keeps each custom resource's
 * metadata (compact, without managedFields) and drops its spec and status, which no one reads from
 * this cache. The informer still delivers every change as an event; the handlers see the metadata.
 */
public class MetadataOnly<T extends CustomResource<?, ?>> extends CompactStore<T> {

  @Override
  public T put(String key, T object) {
    object.setSpec(null);
    object.setStatus(null);
    return super.put(key, object);
  }
}
