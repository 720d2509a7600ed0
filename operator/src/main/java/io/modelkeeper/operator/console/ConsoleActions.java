package io.modelkeeper.operator.console;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelRetraining;
import io.modelkeeper.api.v1alpha1.ObjectName;
import io.modelkeeper.api.v1alpha1.RetrainingRun;
import io.modelkeeper.api.v1alpha1.RetrainingRunSpec;
import io.modelkeeper.api.v1alpha1.RunTrigger;
import io.modelkeeper.operator.rollout.ManualControl;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Locale;
import java.util.Optional;

/**
 * What the console's buttons do, each through what the operator already honours: the promote and
 * abort annotations, {@code spec.rollout.paused}, and a new RetrainingRun. Nothing here decides;
 * the reconciler acts on what these write, as it would on {@code kubectl}'s.
 */
final class ConsoleActions {

  /** The outcome of an action: an HTTP status and a message for the page. */
  record Outcome(int status, String message) {}

  private final KubernetesClient client;
  private final ConsoleCaches caches;

  ConsoleActions(KubernetesClient client, ConsoleCaches caches) {
    this.client = client;
    this.caches = caches;
  }

  Outcome act(String action, String namespace, String name, String reason) {
    var md = client.resources(ModelDeployment.class).inNamespace(namespace).withName(name);
    if (md.get() == null) {
      return new Outcome(404, "no ModelDeployment " + namespace + "/" + name);
    }
    String why = reason == null || reason.isBlank() ? "from the console" : ConsoleJson.text(reason);
    switch (action.toLowerCase(Locale.ROOT)) {
      case "promote" -> {
        md.edit(m -> annotate(m, ManualControl.PROMOTE, ManualControl.PROMOTE_NOW));
        return new Outcome(200, "annotated " + ManualControl.PROMOTE + "=now");
      }
      case "abort" -> {
        md.edit(m -> annotate(m, ManualControl.ABORT, why));
        return new Outcome(200, "annotated " + ManualControl.ABORT + "=" + why);
      }
      case "pause", "resume" -> {
        boolean paused = action.equalsIgnoreCase("pause");
        md.edit(
            m -> {
              if (m.getSpec().getRollout() == null) {
                m.getSpec().setRollout(new io.modelkeeper.api.v1alpha1.RolloutSpec());
              }
              m.getSpec().getRollout().setPaused(paused);
              return m;
            });
        return new Outcome(
            200,
            "set spec.rollout.paused="
                + paused
                + " (a spec field: a GitOps tool that owns the spec may set it back)");
      }
      case "retrain" -> {
        return retrain(namespace, name, why);
      }
      default -> {
        return new Outcome(
            400, "unknown action " + action + ": promote, abort, pause, resume or retrain");
      }
    }
  }

  private Outcome retrain(String namespace, String name, String reason) {
    Optional<ModelRetraining> retraining =
        caches
            .modelRetrainings(namespace)
            .filter(
                r ->
                    r.getSpec() != null
                        && r.getSpec().getModelDeploymentRef() != null
                        && name.equals(r.getSpec().getModelDeploymentRef().getName()))
            .min(Comparator.comparing(r -> r.getMetadata().getName()));
    if (retraining.isEmpty()) {
      return new Outcome(409, "no ModelRetraining names ModelDeployment " + name);
    }
    String retrainingName = retraining.get().getMetadata().getName();
    RetrainingRun run = new RetrainingRun();
    run.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(namespace)
            .withGenerateName(retrainingName + "-console-")
            .build());
    RetrainingRunSpec spec = new RetrainingRunSpec();
    ObjectName ref = new ObjectName();
    ref.setName(retrainingName);
    spec.setRetrainingRef(ref);
    spec.setTrigger(RunTrigger.Manual);
    spec.setReason(reason);
    run.setSpec(spec);
    RetrainingRun created =
        client.resources(RetrainingRun.class).inNamespace(namespace).create(run);
    return new Outcome(201, "created RetrainingRun " + created.getMetadata().getName());
  }

  private static ModelDeployment annotate(ModelDeployment md, String key, String value) {
    if (md.getMetadata().getAnnotations() == null) {
      md.getMetadata().setAnnotations(new HashMap<>());
    }
    md.getMetadata().getAnnotations().put(key, value);
    return md;
  }
}
