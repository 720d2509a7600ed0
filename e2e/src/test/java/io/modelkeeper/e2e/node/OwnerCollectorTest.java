package io.modelkeeper.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelkeeper.e2e.api.LocalApiServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The local garbage collector follows the owner chain continuous training makes: a deleted
 * ModelRetraining takes its RetrainingRuns, they their Jobs, and the Jobs their pods, one sweep per
 * level, as a real cluster's collector does.
 */
class OwnerCollectorTest {

  private LocalApiServer api;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    Path project =
        Path.of(System.getProperty("modelkeeper.project.dir", "..")).toAbsolutePath().normalize();
    api = LocalApiServer.start(project.resolve("crds"));
    client = api.client();
  }

  @AfterEach
  void stop() {
    client.close();
    api.close();
  }

  @Test
  void theRunsOfADeletedModelRetrainingGoAndTheirJobsAfterThem() {
    GenericKubernetesResource run = new GenericKubernetesResource();
    run.setApiVersion("modelkeeper.io/v1alpha1");
    run.setKind("RetrainingRun");
    run.setMetadata(new ObjectMeta());
    run.getMetadata().setName("fraud-r1");
    run.getMetadata().setNamespace("default");
    // Its ModelRetraining was deleted: no object has this uid any more.
    run.getMetadata()
        .setOwnerReferences(
            List.of(
                new OwnerReferenceBuilder()
                    .withApiVersion("modelkeeper.io/v1alpha1")
                    .withKind("ModelRetraining")
                    .withName("fraud")
                    .withUid("00000000-0000-0000-0000-00000000dead")
                    .withController(true)
                    .build()));
    run.setAdditionalProperty("spec", Map.of("retrainingRef", Map.of("name", "fraud")));
    GenericKubernetesResource created = client.resource(run).create();
    Job job =
        client
            .resource(
                new JobBuilder()
                    .withNewMetadata()
                    .withName("fraud-r1-train")
                    .withNamespace("default")
                    .addNewOwnerReference()
                    .withApiVersion("modelkeeper.io/v1alpha1")
                    .withKind("RetrainingRun")
                    .withName("fraud-r1")
                    .withUid(created.getMetadata().getUid())
                    .withController(true)
                    .endOwnerReference()
                    .endMetadata()
                    .withNewSpec()
                    .withNewTemplate()
                    .withNewSpec()
                    .withRestartPolicy("Never")
                    .addNewContainer()
                    .withName("trainer")
                    .withImage("ghcr.io/modelkeeper/trainer:0.1.0")
                    .endContainer()
                    .endSpec()
                    .endTemplate()
                    .endSpec()
                    .build())
            .create();
    assertThat(job).isNotNull();
    OwnerCollector collector = new OwnerCollector(client);

    assertThat(collector.sweep()).as("the run, whose owner is gone").isEqualTo(1);
    assertThat(
            client
                .genericKubernetesResources("modelkeeper.io/v1alpha1", "RetrainingRun")
                .inNamespace("default")
                .list()
                .getItems())
        .isEmpty();
    assertThat(collector.sweep()).as("then the run's Job").isEqualTo(1);
    assertThat(client.batch().v1().jobs().inNamespace("default").list().getItems()).isEmpty();
  }
}
