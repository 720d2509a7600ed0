package io.modelkeeper.operator.workload;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.modelkeeper.api.v1alpha1.ModelDeployment;

/** The Service over the pods of every version of a model: port 80 to the pods' http port. */
public final class ModelService {

  public static final int PORT = 80;

  private ModelService() {}

  /** The wanted Service for a ModelDeployment. */
  public static Service desired(ModelDeployment md) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(WorkloadNames.service(md))
        .withNamespace(md.getMetadata().getNamespace())
        .withLabels(WorkloadLabels.forModel(md))
        .withOwnerReferences(Ownership.controlledBy(md))
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(WorkloadLabels.modelSelector(md))
        .addNewPort()
        .withName(ModelServerDeployment.HTTP_PORT_NAME)
        .withPort(PORT)
        .withTargetPort(new IntOrString(ModelServerDeployment.HTTP_PORT_NAME))
        .withProtocol("TCP")
        .endPort()
        .endSpec()
        .build();
  }
}
