package io.modelkeeper.operator.controller;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.modelkeeper.api.v1alpha1.CanaryStatus;
import io.modelkeeper.api.v1alpha1.Conditions;
import io.modelkeeper.api.v1alpha1.MetricsStatus;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelDeploymentStatus;
import io.modelkeeper.api.v1alpha1.ModelRetraining;
import io.modelkeeper.operator.config.OperatorConfig;
import io.modelkeeper.operator.console.AnalysisHistory;
import io.modelkeeper.operator.console.ConsoleCaches;
import io.modelkeeper.operator.metricsource.MetricsSource;
import io.modelkeeper.operator.metricsource.prometheus.PrometheusUrls;
import io.modelkeeper.operator.monitoring.ServingFigures;
import io.modelkeeper.operator.observe.CompactStore;
import io.modelkeeper.operator.observe.DeploymentChange;
import io.modelkeeper.operator.observe.ObservedWorkloads;
import io.modelkeeper.operator.observe.PodDiagnosis;
import io.modelkeeper.operator.observe.PodEvents;
import io.modelkeeper.operator.observe.PodsWithoutSpec;
import io.modelkeeper.operator.observe.WorkloadProblem;
import io.modelkeeper.operator.retraining.RetrainedModel;
import io.modelkeeper.operator.rollout.CanaryRollout;
import io.modelkeeper.operator.rollout.RolloutPlan;
import io.modelkeeper.operator.rollout.VersionedDeployments;
import io.modelkeeper.operator.routing.Router;
import io.modelkeeper.operator.routing.Routers;
import io.modelkeeper.operator.status.StatusAggregator;
import io.modelkeeper.operator.status.StatusTransitions;
import io.modelkeeper.operator.telemetry.EventRecorder;
import io.modelkeeper.operator.telemetry.OperatorMetrics;
import io.modelkeeper.operator.telemetry.RolloutMetrics;
import io.modelkeeper.operator.validation.CheckedSpec;
import io.modelkeeper.operator.validation.SpecValidator;
import io.modelkeeper.operator.workload.DatasetCapture;
import io.modelkeeper.operator.workload.ModelPodsServiceDependent;
import io.modelkeeper.operator.workload.ModelServiceDependent;
import io.modelkeeper.operator.workload.ModelVersion;
import io.modelkeeper.operator.workload.RecordedVersions;
import io.modelkeeper.operator.workload.StatusWrite;
import io.modelkeeper.operator.workload.WorkloadLabels;
import io.modelkeeper.operator.workload.Writes;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns a ModelDeployment into running model-server workloads and a status that tells the truth:
 * observe, validate, plan, apply, then one status write.
 */
@Workflow(
    dependents = {
      @Dependent(
          name = "service",
          type = ModelServiceDependent.class,
          useEventSourceWithName = ModelDeploymentReconciler.SERVICES),
      @Dependent(
          name = "pods-service",
          type = ModelPodsServiceDependent.class,
          useEventSourceWithName = ModelDeploymentReconciler.SERVICES)
    })
// Not generation-aware: the promote and abort annotations change no generation and must act at
// once, not at the next analysis check or reconcile interval. Status writes alone still start none.
@ControllerConfiguration(
    name = ModelDeploymentReconciler.NAME,
    generationAwareEventProcessing = false,
    informer =
        @Informer(onUpdateFilter = SpecOrMetadataChange.class, itemStore = CompactStore.class))
public class ModelDeploymentReconciler implements Reconciler<ModelDeployment> {

  public static final String NAME = "modeldeployment";

  /**
   * The one Service informer of both Service dependents: each would otherwise cache both Services
   * of every ModelDeployment, as they carry the same labels.
   */
  static final String SERVICES = "services";

  private final OperatorConfig config;
  private final VersionedDeployments deployments;
  private final EventRecorder events;
  private final OperatorMetrics metrics;
  private final MetricsSource armMetrics;
  private final RolloutMetrics rolloutMetrics;
  private final Clock clock;
  private final PrometheusUrls prometheusUrls;
  private final AnalysisHistory analysisHistory;
  private final ConsoleCaches consoleCaches;

  /** How soon a reconcile whose write met a 409 Conflict looks again. */
  private static final Duration CONFLICT_RETRY = Duration.ofSeconds(1);

  public ModelDeploymentReconciler(
      OperatorConfig config,
      VersionedDeployments deployments,
      EventRecorder events,
      OperatorMetrics metrics,
      MetricsSource armMetrics,
      RolloutMetrics rolloutMetrics,
      Clock clock,
      PrometheusUrls prometheusUrls,
      AnalysisHistory analysisHistory,
      ConsoleCaches consoleCaches) {
    this.config = config;
    this.deployments = deployments;
    this.events = events;
    this.metrics = metrics;
    this.armMetrics = armMetrics;
    this.rolloutMetrics = rolloutMetrics;
    this.clock = clock;
    this.prometheusUrls = prometheusUrls;
    this.analysisHistory = analysisHistory;
    this.consoleCaches = consoleCaches;
  }

  @Override
  public List<EventSource<?, ModelDeployment>> prepareEventSources(
      EventSourceContext<ModelDeployment> context) {
    consoleCaches.modelDeployments(context.getPrimaryCache());
    var deploymentSource =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Deployment.class, ModelDeployment.class)
                .withName("deployments")
                .withLabelSelector(WorkloadLabels.MANAGED_SELECTOR)
                .withItemStore(new CompactStore<>())
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(ModelDeployment.class))
                .withOnAddFilter(metrics::childEvent)
                // Status churn that changes no readiness is no reason to reconcile.
                .withOnUpdateFilter(
                    (before, after) ->
                        DeploymentChange.matters(before, after) && metrics.childEvent(after))
                .withOnDeleteFilter((deployment, unknown) -> metrics.childEvent(deployment))
                .build(),
            context);
    // Each dependent finds its own Service in it by name (the name its desired() gives).
    var serviceSource =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Service.class, ModelDeployment.class)
                .withName(SERVICES)
                .withLabelSelector(WorkloadLabels.MANAGED_SELECTOR)
                .withItemStore(new CompactStore<>())
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(ModelDeployment.class))
                .build(),
            context);
    // Pods belong to ReplicaSets, not to the ModelDeployment, so they are found by label.
    var podSource =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, ModelDeployment.class)
                .withName("pods")
                .withLabelSelector(WorkloadLabels.MANAGED_SELECTOR)
                .withItemStore(new PodsWithoutSpec())
                .withSecondaryToPrimaryMapper(
                    (Pod pod) -> {
                      String owner = pod.getMetadata().getLabels().get(WorkloadLabels.DEPLOYMENT);
                      return owner == null
                          ? Set.of()
                          : Set.of(new ResourceID(owner, pod.getMetadata().getNamespace()));
                    })
                .withOnAddFilter(metrics::childEvent)
                .withOnUpdateFilter((before, after) -> metrics.childEvent(after))
                .withOnDeleteFilter((pod, unknown) -> metrics.childEvent(pod))
                .build(),
            context);
    // A ModelRetraining names the ModelDeployment it retrains: its candidate is served from here.
    var retrainingSource =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ModelRetraining.class, ModelDeployment.class)
                .withName("retrainings")
                .withItemStore(new CompactStore<>())
                .withSecondaryToPrimaryMapper(
                    (ModelRetraining retraining) ->
                        retraining.getSpec() == null
                                || retraining.getSpec().getModelDeploymentRef() == null
                            ? Set.of()
                            : Set.of(
                                new ResourceID(
                                    retraining.getSpec().getModelDeploymentRef().getName(),
                                    retraining.getMetadata().getNamespace())))
                .build(),
            context);
    return List.of(deploymentSource, serviceSource, podSource, retrainingSource);
  }

  @Override
  public UpdateControl<ModelDeployment> reconcile(
      ModelDeployment md, Context<ModelDeployment> context) {
    return metrics.reconcile(() -> reconcileMeasured(md, context, clock.instant()));
  }

  /**
   * One reconcile, at one instant {@code now}: observe, validate, plan, apply, one status write.
   */
  private UpdateControl<ModelDeployment> reconcileMeasured(
      ModelDeployment md, Context<ModelDeployment> context, Instant now) {
    rolloutMetrics.register(md);
    // Status holds the serving uri without credentials: the full one comes from the spec or from
    // the serving Deployment, as the stable Deployment may have to be written again.
    ModelVersion serving =
        RecordedVersions.recover(
            ModelVersion.of(md.getStatus() == null ? null : md.getStatus().getStable()),
            md.getSpec() == null ? null : md.getSpec().getModel(),
            context.getSecondaryResources(Deployment.class));
    ObservedWorkloads observed =
        ObservedWorkloads.of(
            context.getSecondaryResources(Deployment.class),
            context.getSecondaryResources(Pod.class),
            knownRevisions(md, serving));
    List<Event> podEvents =
        PodEvents.ofStuckPods(
            context.getClient(),
            md.getMetadata().getNamespace(),
            List.copyOf(context.getSecondaryResources(Pod.class)),
            now);
    Function<ModelVersion, WorkloadProblem> diagnose =
        model -> diagnose(md, model, observed, podEvents);

    SpecValidator.Result validation = SpecValidator.validate(md);
    List<String> refused = new ArrayList<>(validation.problems());
    prometheusUrls.refusal(md.getSpec().getMonitoring()).ifPresent(refused::add);
    if (!refused.isEmpty()) {
      // Nothing is applied: whatever serves keeps serving until the spec is fixed.
      var problem = new WorkloadProblem(Conditions.REASON_INVALID_SPEC, String.join("; ", refused));
      return writeStatus(
          md,
          context,
          null,
          StatusAggregator.Findings.invalidSpec(
              RolloutPlan.hold(serving), observed, diagnose.apply(serving), problem),
          now,
          true);
    }
    ModelRetraining retraining =
        RetrainedModel.of(md, context.getSecondaryResources(ModelRetraining.class));
    CheckedSpec spec =
        validation
            .spec()
            .serving(RetrainedModel.choose(validation.spec().model(), retraining, md.getStatus()));

    RolloutPlan plan = plan(md, spec, serving, observed, diagnose, now);
    Writes writes = new Writes();
    deployments.apply(
        md,
        plan,
        observed,
        DatasetCapture.of(retraining, md.getMetadata().getName()),
        context,
        writes);
    Router router = Routers.of(spec.rollout().traffic());
    router.watch(context);
    WorkloadProblem routing =
        writes.tolerateConflict(
            () -> router.apply(md, routeTarget(plan), observed, context.getClient()), null);
    rolloutMetrics.recordRollout(md, plan.rollout());

    MetricsStatus figures =
        ServingFigures.read(
            spec,
            md.getStatus(),
            serving,
            plan,
            model ->
                armMetrics.read(md, model, observed.podsOf(model), spec.monitoring().interval()),
            now);
    return writeStatus(
        md,
        context,
        spec,
        StatusAggregator.Findings.of(
            spec,
            plan,
            observed,
            diagnose.apply(plan.stable()),
            diagnose.apply(plan.incoming()),
            figures,
            routing),
        now,
        writes.clean());
  }

  /**
   * The revisions status and spec name, in the order objects made by an earlier release (which
   * carry no revision label) are matched to them: the serving one first, then the canary's, the
   * spec's, and a rolled-back one still draining.
   */
  private static List<ModelVersion> knownRevisions(ModelDeployment md, ModelVersion serving) {
    ModelDeploymentStatus status = md.getStatus();
    List<ModelVersion> known = new ArrayList<>();
    known.add(serving);
    known.add(ModelVersion.of(status == null ? null : status.getCanary()));
    var model = md.getSpec() == null ? null : md.getSpec().getModel();
    if (model != null && model.getVersion() != null && model.getUri() != null) {
      known.add(ModelVersion.of(model));
    }
    known.add(ModelVersion.of(status == null ? null : status.getRejected()));
    return known;
  }

  /**
   * The first version needs no canary; any other file than the serving one (version, uri or sha256)
   * does.
   */
  private RolloutPlan plan(
      ModelDeployment md,
      CheckedSpec spec,
      ModelVersion serving,
      ObservedWorkloads observed,
      Function<ModelVersion, WorkloadProblem> diagnose,
      Instant now) {
    if (serving == null || serving.equals(spec.model())) {
      RolloutPlan plan = RolloutPlan.decide(spec.model(), serving, spec.replicas(), observed);
      return plan.with(CanaryRollout.withoutCanary(md, serving, now));
    }
    Duration interval = spec.rollout().analysisInterval();
    return CanaryRollout.plan(
        md,
        spec,
        serving,
        observed,
        model -> armMetrics.read(md, model, observed.podsOf(model), interval),
        diagnose,
        now);
  }

  /**
   * Where the router sends traffic: the stable revision and a canary at its step's weight once it
   * runs.
   */
  private static Router.Target routeTarget(RolloutPlan plan) {
    CanaryStatus canary = plan.rollout() == null ? null : plan.rollout().canary();
    if (canary == null) {
      return Router.Target.stableOnly(plan.stable());
    }
    return new Router.Target(
        plan.stable(),
        ModelVersion.of(canary),
        Objects.requireNonNullElse(canary.getRequestedWeight(), 0));
  }

  @Override
  public ErrorStatusUpdateControl<ModelDeployment> updateErrorStatus(
      ModelDeployment md, Context<ModelDeployment> context, Exception e) {
    if (e instanceof KubernetesClientException k
        && k.getCode() == HttpURLConnection.HTTP_CONFLICT) {
      // Someone changed an object first: nothing failed, the retry will see the newer object.
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    ModelDeploymentStatus next = StatusAggregator.withError(md, e.getMessage(), clock.instant());
    recordTransitions(md, next);
    if (sameStatus(context, md.getStatus(), next)) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    md.setStatus(next);
    return ErrorStatusUpdateControl.patchStatus(md);
  }

  private WorkloadProblem diagnose(
      ModelDeployment md, ModelVersion model, ObservedWorkloads observed, List<Event> podEvents) {
    if (model == null) {
      return null;
    }
    return PodDiagnosis.diagnose(
            md, model, observed.podsOf(model), config.gpuResourceName(), podEvents)
        .orElse(null);
  }

  private UpdateControl<ModelDeployment> writeStatus(
      ModelDeployment md,
      Context<ModelDeployment> context,
      CheckedSpec spec,
      StatusAggregator.Findings findings,
      Instant now,
      boolean writesLanded) {
    ModelDeploymentStatus next = StatusAggregator.build(md, findings, now);
    recordTransitions(md, next);
    rolloutMetrics.recordStatus(md, next);
    analysisHistory.record(md, next);
    // Never wait inside a reconcile: look again later, even if no event arrives; a running
    // canary is looked at again when its next check is due, and a write that met a newer object
    // (409) is made again as soon as the informers have caught up.
    Duration later = writesLanded ? nextLook(spec, next, now) : CONFLICT_RETRY;
    if (sameStatus(context, md.getStatus(), next)) {
      return UpdateControl.<ModelDeployment>noUpdate().rescheduleAfter(later);
    }
    return StatusWrite.write(context, md, next, later);
  }

  private Duration nextLook(CheckedSpec spec, ModelDeploymentStatus status, Instant now) {
    Duration fallback = config.reconcileInterval();
    if (spec == null) {
      return fallback;
    }
    if (spec.monitoring() != null && status.getStable() != null) {
      // The serving version's figures are read when due, even if nothing else happens. Still due
      // after this reconcile means its read found no pod to read: another read in a second would
      // find none either, and a pod that becomes ready is an event of its own.
      Duration due = ServingFigures.due(spec.monitoring(), status, now);
      if (due.isZero()) {
        due = spec.monitoring().interval();
      }
      Duration monitoring = due.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : due;
      fallback = monitoring.compareTo(fallback) < 0 ? monitoring : fallback;
    }
    if (status.getCanary() == null || CanaryRollout.promoting(status.getCanary())) {
      return fallback;
    }
    if (status.getCanary().getAnalysis() == null
        || status.getCanary().getAnalysis().getCheckedAt() == null) {
      return Duration.ofSeconds(1);
    }
    Instant due =
        Instant.parse(status.getCanary().getAnalysis().getCheckedAt())
            .plus(spec.rollout().analysisInterval());
    Duration wait = Duration.between(now, due);
    if (wait.compareTo(Duration.ofSeconds(1)) < 0) {
      return Duration.ofSeconds(1);
    }
    return wait.compareTo(fallback) < 0 ? wait : fallback;
  }

  private void recordTransitions(ModelDeployment md, ModelDeploymentStatus next) {
    for (var transition : StatusTransitions.between(md.getStatus(), next)) {
      events.record(md, transition.reason(), transition.message());
    }
  }

  private static boolean sameStatus(
      Context<ModelDeployment> context, ModelDeploymentStatus before, ModelDeploymentStatus after) {
    KubernetesSerialization json = context.getClient().getKubernetesSerialization();
    return before != null
        && json.convertValue(before, JsonNode.class)
            .equals(json.convertValue(after, JsonNode.class));
  }
}
