package io.modelkeeper.operator.workload;

import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.modelkeeper.api.v1alpha1.ModelDeployment;

/** Keeps the model's Service as {@link ModelService#desired} says, putting back manual edits. */
public class ModelServiceDependent
    extends CRUDKubernetesDependentResource<Service, ModelDeployment> {

  public ModelServiceDependent() {
    super(Service.class);
  }

  @Override
  protected Service desired(ModelDeployment md, Context<ModelDeployment> context) {
    return ModelService.desired(md);
  }
}
