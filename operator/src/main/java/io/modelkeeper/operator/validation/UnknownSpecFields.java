package io.modelkeeper.operator.validation;

import io.modelkeeper.api.v1alpha1.KnownFields;
import io.modelkeeper.api.v1alpha1.ModelDeploymentSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The spec's fields this operator does not know, by path (spec.serving.replcas): ignored, and named
 * in status so a typo applied without validation does not pass unnoticed.
 */
public final class UnknownSpecFields {

  private UnknownSpecFields() {}

  /** Every unknown field of the spec, in the order of the spec's objects; empty when none. */
  public static List<String> of(ModelDeploymentSpec spec) {
    List<String> paths = new ArrayList<>();
    if (spec == null) {
      return paths;
    }
    add(paths, "spec", spec);
    add(paths, "spec.model", spec.getModel());
    if (spec.getServing() != null) {
      add(paths, "spec.serving", spec.getServing());
      add(paths, "spec.serving.batching", spec.getServing().getBatching());
    }
    if (spec.getMonitoring() != null) {
      add(paths, "spec.monitoring", spec.getMonitoring());
      add(paths, "spec.monitoring.slo", spec.getMonitoring().getSlo());
    }
    var rollout = spec.getRollout();
    if (rollout != null) {
      add(paths, "spec.rollout", rollout);
      add(paths, "spec.rollout.analysis", rollout.getAnalysis());
      if (rollout.getTraffic() != null) {
        add(paths, "spec.rollout.traffic", rollout.getTraffic());
        add(paths, "spec.rollout.traffic.httpRouteRef", rollout.getTraffic().getHttpRouteRef());
      }
      if (rollout.getSteps() != null) {
        for (int i = 0; i < rollout.getSteps().size(); i++) {
          add(paths, "spec.rollout.steps[" + i + "]", rollout.getSteps().get(i));
        }
      }
    }
    return paths;
  }

  private static void add(List<String> paths, String path, KnownFields object) {
    if (object != null) {
      object.unknownFields().keySet().forEach(name -> paths.add(path + "." + name));
    }
  }
}
