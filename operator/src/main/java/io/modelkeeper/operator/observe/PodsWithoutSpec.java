package io.modelkeeper.operator.observe;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * The informer cache of the model pods: metadata and status, compact, and no spec. The
 * ModelDeployment reconciler judges a pod by its labels, phase, address, conditions and container
 * statuses; what a pod runs is its Deployment's template, which the operator reads from the
 * Deployment. A pod's spec (containers, environment, probes, volumes, tolerations) is the larger
 * part of it.
 */
public class PodsWithoutSpec extends CompactStore<Pod> {

  @Override
  public Pod put(String key, Pod pod) {
    pod.setSpec(null);
    return super.put(key, pod);
  }
}
