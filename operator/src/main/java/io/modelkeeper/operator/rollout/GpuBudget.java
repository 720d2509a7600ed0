package io.modelkeeper.operator.rollout;

/** How many canary pods spec.rollout.maxExtraGpus lets run on top of the stable ones. */
public final class GpuBudget {

  private GpuBudget() {}

  /**
   * Pods the GPU budget lets the canary hold on top of the stable ones; unlimited without a budget.
   */
  public static int pods(int gpusPerPod, Integer maxExtraGpus) {
    if (gpusPerPod <= 0 || maxExtraGpus == null) {
      return Integer.MAX_VALUE;
    }
    return maxExtraGpus / gpusPerPod;
  }
}
