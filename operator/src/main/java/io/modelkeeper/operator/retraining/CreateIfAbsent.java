package io.modelkeeper.operator.retraining;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.Objects;

/**
 * Creates the objects of a run by their fixed names. One that exists already is the one an earlier
 * look made (before a restart, or before its status was written), and is kept as it is: a run never
 * gets a second Job.
 */
final class CreateIfAbsent {

  private CreateIfAbsent() {}

  /** {@code object} created, or the object of that name that exists. */
  static <T extends HasMetadata> T object(KubernetesClient client, T object) {
    try {
      return client.resource(object).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      return Objects.requireNonNullElse(client.resource(object).get(), object);
    }
  }

  /** A training (or trial) Job, with the headless Service its workers find each other by. */
  static Job trainingJob(KubernetesClient client, RunContext run, Job job) {
    if (run.retraining().getSpec().getTraining().getParallelism() > 1) {
      object(client, TrainingJobs.workers(run, job));
    }
    return object(client, job);
  }
}
