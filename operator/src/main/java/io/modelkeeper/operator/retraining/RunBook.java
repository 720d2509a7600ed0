package io.modelkeeper.operator.retraining;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ResourceOperations;
import io.modelkeeper.api.v1alpha1.ModelRetraining;
import io.modelkeeper.api.v1alpha1.ObjectName;
import io.modelkeeper.api.v1alpha1.RetrainingRun;
import io.modelkeeper.api.v1alpha1.RetrainingRunSpec;
import io.modelkeeper.api.v1alpha1.RetrainingRunStatus;
import io.modelkeeper.api.v1alpha1.RunPhase;
import io.modelkeeper.api.v1alpha1.RunTrigger;
import io.modelkeeper.operator.workload.Ownership;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The runs of one ModelRetraining as one reconcile sees them: their statuses as copies to change,
 * numbers given in creation order to runs made by hand, and the writes back, each run's status
 * written only when it changed.
 */
public final class RunBook {

  private final KubernetesClient client;

  /**
   * Writes through the runs' informer: the next reconcile reads what this one wrote, even before
   * the watch brings it (else a run just started looks unstarted, and is started and numbered
   * again).
   */
  private final ResourceOperations<ModelRetraining> writes;

  private final ModelRetraining retraining;
  private final List<RetrainingRun> runs = new ArrayList<>();
  private final Map<String, RetrainingRunStatus> before = new LinkedHashMap<>();
  private final Map<String, RetrainingRunStatus> statuses = new LinkedHashMap<>();

  public RunBook(Context<ModelRetraining> context, ModelRetraining retraining) {
    this(
        context.getClient(),
        context.resourceOperations(),
        retraining,
        List.copyOf(context.getSecondaryResources(RetrainingRun.class)));
  }

  RunBook(
      KubernetesClient client,
      ResourceOperations<ModelRetraining> writes,
      ModelRetraining retraining,
      List<RetrainingRun> found) {
    this.client = client;
    this.writes = writes;
    this.retraining = retraining;
    found.stream()
        .sorted(
            Comparator.comparing(
                    (RetrainingRun r) -> number(r) == null ? Long.MAX_VALUE : number(r))
                .thenComparing(
                    r -> Objects.requireNonNullElse(r.getMetadata().getCreationTimestamp(), ""))
                .thenComparing(r -> r.getMetadata().getName()))
        .forEach(this::add);
  }

  private void add(RetrainingRun run) {
    runs.add(run);
    RetrainingRunStatus status =
        run.getStatus() == null ? new RetrainingRunStatus() : Serialization.clone(run.getStatus());
    before.put(run.getMetadata().getName(), run.getStatus());
    statuses.put(run.getMetadata().getName(), status);
  }

  private static Long number(RetrainingRun run) {
    return run.getStatus() == null ? null : run.getStatus().getNumber();
  }

  /** The highest run number given so far, at least {@code recorded}. */
  public long lastNumber(Long recorded) {
    long last = recorded == null ? 0 : recorded;
    for (RetrainingRunStatus status : statuses.values()) {
      if (status.getNumber() != null) {
        last = Math.max(last, status.getNumber());
      }
    }
    return last;
  }

  /**
   * Gives runs that have none a number (after {@code last}, in creation order), a Pending phase and
   * their trigger; returns the last number given.
   */
  public long adopt(long last, Instant now) {
    for (RetrainingRun run : runs) {
      RetrainingRunStatus status = status(run);
      if (status.getNumber() == null) {
        status.setNumber(++last);
        status.setPhase(RunPhase.Pending);
        status.setTrigger(run.getSpec() == null ? RunTrigger.Manual : run.getSpec().getTrigger());
        status.setReason(run.getSpec() == null ? null : run.getSpec().getReason());
        status.setMessage("waiting to start");
      }
    }
    return last;
  }

  /** Runs in number order. */
  public List<RetrainingRun> runs() {
    return runs.stream()
        .sorted(Comparator.comparing((RetrainingRun r) -> status(r).getNumber()))
        .toList();
  }

  public RetrainingRunStatus status(RetrainingRun run) {
    return statuses.get(run.getMetadata().getName());
  }

  public Map<String, RetrainingRunStatus> statuses() {
    return statuses;
  }

  /** The run that is training or evaluating, else the first waiting one; null when none. */
  public RetrainingRun active() {
    return runs().stream()
        .filter(r -> status(r).getPhase().inFlight() && status(r).getPhase() != RunPhase.Pending)
        .findFirst()
        .or(() -> runs().stream().filter(r -> status(r).getPhase() == RunPhase.Pending).findFirst())
        .orElse(null);
  }

  /** Makes a triggered run; the name of an existing run (made before a restart) is taken as it. */
  public void create(long number, RunTrigger trigger, String reason, Instant now) {
    RetrainingRun run = new RetrainingRun();
    run.getMetadata().setName(RunNames.run(retraining, number));
    run.getMetadata().setNamespace(retraining.getMetadata().getNamespace());
    run.getMetadata().setOwnerReferences(List.of(Ownership.controlledBy(retraining)));
    RetrainingRunSpec spec = new RetrainingRunSpec();
    ObjectName ref = new ObjectName();
    ref.setName(retraining.getMetadata().getName());
    spec.setRetrainingRef(ref);
    spec.setTrigger(trigger);
    spec.setReason(reason.length() > 1000 ? reason.substring(0, 1000) : reason);
    run.setSpec(spec);
    RetrainingRun created = client.resource(run).create();
    RetrainingRunStatus status = new RetrainingRunStatus();
    status.setNumber(number);
    status.setPhase(RunPhase.Pending);
    status.setTrigger(trigger);
    status.setReason(spec.getReason());
    status.setMessage("waiting to start");
    created.setStatus(status);
    runs.add(created);
    before.put(created.getMetadata().getName(), null);
    statuses.put(created.getMetadata().getName(), status);
  }

  /**
   * Writes every changed run status, with the run's Succeeded condition, and makes runs made by
   * hand owned by their ModelRetraining. Returns false when a write met a newer object (409).
   */
  public boolean write(Instant now) {
    boolean clean = true;
    for (RetrainingRun run : runs) {
      RetrainingRunStatus status = status(run);
      status.setConditions(
          RetrainingConditions.run(
              status.getConditions(), status.getPhase(), status.getMessage(), now));
      boolean owned =
          run.getMetadata().getOwnerReferences() != null
              && run.getMetadata().getOwnerReferences().stream()
                  .anyMatch(o -> Objects.equals(o.getUid(), retraining.getMetadata().getUid()));
      try {
        RetrainingRun current = run;
        if (!owned) {
          current =
              writes.resourcePatch(
                  run,
                  stale ->
                      client
                          .resources(RetrainingRun.class)
                          .inNamespace(run.getMetadata().getNamespace())
                          .withName(run.getMetadata().getName())
                          .edit(
                              r -> {
                                List<io.fabric8.kubernetes.api.model.OwnerReference> owners =
                                    new ArrayList<>(
                                        Objects.requireNonNullElse(
                                            r.getMetadata().getOwnerReferences(), List.of()));
                                owners.add(Ownership.controlledBy(retraining));
                                r.getMetadata().setOwnerReferences(owners);
                                return r;
                              }));
        }
        if (!same(before.get(run.getMetadata().getName()), status)) {
          current.setStatus(status);
          writes.updateStatus(current);
        }
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 && e.getCode() != 404) {
          throw e;
        }
        clean = false;
      }
    }
    return clean;
  }

  /**
   * Deletes the oldest finished runs while more than {@code limit} runs exist (their Jobs go with
   * them), never a run still going nor the one whose candidate is offered; returns how many.
   */
  public int prune(int limit, String candidateRun) {
    List<RetrainingRun> finished =
        runs().stream()
            .filter(r -> status(r).getPhase().finished())
            .filter(r -> !r.getMetadata().getName().equals(candidateRun))
            .toList();
    int excess = Math.min(runs.size() - limit, finished.size());
    for (int i = 0; i < excess; i++) {
      client.resource(finished.get(i)).delete();
    }
    return Math.max(0, excess);
  }

  private boolean same(RetrainingRunStatus a, RetrainingRunStatus b) {
    if (a == null) {
      return false;
    }
    var json = client.getKubernetesSerialization();
    return json.convertValue(a, com.fasterxml.jackson.databind.JsonNode.class)
        .equals(json.convertValue(b, com.fasterxml.jackson.databind.JsonNode.class));
  }
}
