package io.modelkeeper.operator.workload;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.modelkeeper.api.v1alpha1.ModelDeployment;

/**
 * The headless Service over every pod of a model, ready or not: its DNS name answers with the pods'
 * IPs, which is how a model-server pod knows its model's other pods (MODELKEEPER_PEERS) and so
 * where it may forward feedback for their predictions. Not-ready pods are included because a pod
 * that is draining still holds predictions waiting for their labels.
 */
public final class ModelPodsService {

  private ModelPodsService() {}

  /** The wanted headless Service for a ModelDeployment. */
  public static Service desired(ModelDeployment md) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(WorkloadNames.podsService(md))
        .withNamespace(md.getMetadata().getNamespace())
        .withLabels(WorkloadLabels.forModel(md))
        .withOwnerReferences(Ownership.controlledBy(md))
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withClusterIP("None")
        .withPublishNotReadyAddresses(true)
        .withSelector(WorkloadLabels.modelSelector(md))
        .addNewPort()
        .withName(ModelServerDeployment.HTTP_PORT_NAME)
        .withPort(ModelServerDeployment.HTTP_PORT)
        .withTargetPort(new IntOrString(ModelServerDeployment.HTTP_PORT_NAME))
        .withProtocol("TCP")
        .endPort()
        .endSpec()
        .build();
  }

  /** The DNS name a pod of the model looks its model's pods up at. */
  public static String dnsName(ModelDeployment md) {
    return WorkloadNames.podsService(md) + "." + md.getMetadata().getNamespace() + ".svc";
  }
}
