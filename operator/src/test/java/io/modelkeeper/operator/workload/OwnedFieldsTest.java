package io.modelkeeper.operator.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.operator.testing.TestModels;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * What a real API server and its Deployment controller do to a Deployment the operator wrote is not
 * a difference; a change to anything the operator owns is.
 */
class OwnedFieldsTest {

  private final ModelDeployment md =
      TestModels.model(
          "fraud",
          "7",
          spec -> {
            spec.getServing().setReplicas(2);
            spec.getServing()
                .setResources(
                    new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
                        .withRequests(
                            Map.of("cpu", new Quantity("0.5"), "memory", new Quantity("1Gi")))
                        .withLimits(Map.of("cpu", new Quantity("1000m")))
                        .build());
          });
  private final Deployment desired =
      ModelServerDeployment.desired(
          md, TestModels.file("fraud", "7"), Arm.STABLE, 2, TestModels.config());

  @Test
  void whatTheClusterAddsOrRewritesIsNotADifference() {
    Deployment stored =
        stored(
            d -> {
              d.getMetadata().getAnnotations().put("deployment.kubernetes.io/revision", "3");
              d.getMetadata().getLabels().put("team", "risk");
              d.getSpec().setProgressDeadlineSeconds(600);
              d.getSpec().getTemplate().getSpec().setDnsPolicy("ClusterFirst");
              d.getSpec().getTemplate().getSpec().setSchedulerName("default-scheduler");
              for (Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
                c.setTerminationMessagePath("/dev/termination-log");
                c.setImagePullPolicy("IfNotPresent");
                if (c.getResources() != null && c.getResources().getRequests() != null) {
                  c.getResources().getRequests().put("cpu", new Quantity("500m"));
                  c.getResources().getLimits().put("cpu", new Quantity("1"));
                }
              }
            });
    assertThat(OwnedFields.held(desired, stored)).isTrue();
  }

  @Test
  void emptyListsTheServerLeavesOutAreNotADifference() {
    Deployment stored =
        stored(
            d -> {
              for (Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
                if (c.getArgs() != null && c.getArgs().isEmpty()) {
                  c.setArgs(null);
                }
              }
              d.getSpec().getTemplate().getSpec().setImagePullSecrets(null);
            });
    desired.getSpec().getTemplate().getSpec().setImagePullSecrets(java.util.List.of());
    assertThat(OwnedFields.held(desired, stored)).isTrue();
  }

  @Test
  void aChangeToWhatTheOperatorOwnsIsADifference() {
    assertThat(OwnedFields.held(desired, stored(d -> d.getSpec().setReplicas(5)))).isFalse();
    assertThat(
            OwnedFields.held(
                desired,
                stored(
                    d ->
                        d.getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .setImage("tampered:1"))))
        .isFalse();
    assertThat(
            OwnedFields.held(
                desired,
                stored(d -> d.getMetadata().getLabels().put(WorkloadLabels.ARM, "canary"))))
        .isFalse();
    assertThat(
            OwnedFields.held(
                desired,
                stored(
                    d ->
                        d.getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .forEach(
                                c -> {
                                  if (c.getResources() != null
                                      && c.getResources().getRequests() != null) {
                                    c.getResources().getRequests().put("cpu", new Quantity("600m"));
                                  }
                                }))))
        .as("another amount")
        .isFalse();
  }

  private Deployment stored(Consumer<Deployment> change) {
    Deployment copy = new DeploymentBuilder(desired).build();
    copy = io.fabric8.kubernetes.client.utils.Serialization.clone(copy);
    if (copy.getMetadata().getAnnotations() == null) {
      copy.getMetadata().setAnnotations(new java.util.HashMap<>());
    }
    copy.getMetadata().setLabels(new java.util.HashMap<>(copy.getMetadata().getLabels()));
    for (Container c : copy.getSpec().getTemplate().getSpec().getContainers()) {
      if (c.getResources() != null) {
        if (c.getResources().getRequests() != null) {
          c.getResources().setRequests(new java.util.HashMap<>(c.getResources().getRequests()));
        }
        if (c.getResources().getLimits() != null) {
          c.getResources().setLimits(new java.util.HashMap<>(c.getResources().getLimits()));
        }
      }
    }
    change.accept(copy);
    return copy;
  }
}
