package io.modelkeeper.operator.workload;

import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.modelkeeper.api.v1alpha1.ModelDeployment;

/** Keeps the model's headless Service as {@link ModelPodsService#desired} says. */
public class ModelPodsServiceDependent
    extends CRUDKubernetesDependentResource<Service, ModelDeployment> {

  public ModelPodsServiceDependent() {
    super(Service.class);
  }

  @Override
  protected Service desired(ModelDeployment md, Context<ModelDeployment> context) {
    return ModelPodsService.desired(md);
  }
}
