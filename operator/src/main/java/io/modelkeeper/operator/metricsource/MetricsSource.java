package io.modelkeeper.operator.metricsource;

import io.fabric8.kubernetes.api.model.Pod;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.operator.workload.ModelVersion;
import java.time.Duration;
import java.util.List;

/** Where the operator reads what one model revision's pods did since the last read. */
public interface MetricsSource {

  /**
   * The figures of {@code model}'s pods over the last {@code interval}. A source that cannot read a
   * pod reports it as missed, never as a pod without errors.
   */
  ArmMetrics read(ModelDeployment md, ModelVersion model, List<Pod> pods, Duration interval);
}
