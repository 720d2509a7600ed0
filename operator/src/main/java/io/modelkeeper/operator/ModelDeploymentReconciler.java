package io.modelkeeper.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
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
import io.modelkeeper.api.v1alpha1.AnalysisStatus;
import io.modelkeeper.api.v1alpha1.Conditions;
import io.modelkeeper.api.v1alpha1.MetricsStatus;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelDeploymentStatus;
import io.modelkeeper.api.v1alpha1.Durations;
import io.modelkeeper.operator.metrics.ArmMetrics;
import io.modelkeeper.operator.metrics.MetricsSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns a ModelDeployment into running model-server workloads and a status that tells the truth:
 * observe, validate, plan, apply, then one status write.
 */
@Workflow(dependents = @Dependent(type = ModelServiceDependent.class))
@ControllerConfiguration(name = ModelDeploymentReconciler.NAME)
public class ModelDeploymentReconciler implements Reconciler<ModelDeployment> {

    public static final String NAME = "modeldeployment";

    private final OperatorConfig config;
    private final VersionedDeployments deployments;
    private final EventRecorder events;
    private final OperatorMetrics metrics;
    private final MetricsSource armMetrics;
    private final TrafficRouting traffic;
    private final RolloutMetrics rolloutMetrics;

    public ModelDeploymentReconciler(OperatorConfig config, VersionedDeployments deployments, EventRecorder events,
            OperatorMetrics metrics, MetricsSource armMetrics, TrafficRouting traffic, RolloutMetrics rolloutMetrics) {
        this.config = config;
        this.deployments = deployments;
        this.events = events;
        this.metrics = metrics;
        this.armMetrics = armMetrics;
        this.traffic = traffic;
        this.rolloutMetrics = rolloutMetrics;
    }

    @Override
    public List<EventSource<?, ModelDeployment>> prepareEventSources(EventSourceContext<ModelDeployment> context) {
        var deploymentSource = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Deployment.class, ModelDeployment.class)
                        .withName("deployments")
                        .withLabelSelector(WorkloadLabels.MANAGED_SELECTOR)
                        .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(ModelDeployment.class))
                        .build(),
                context);
        // Pods belong to ReplicaSets, not to the ModelDeployment, so they are found by label.
        var podSource = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Pod.class, ModelDeployment.class)
                        .withName("pods")
                        .withLabelSelector(WorkloadLabels.MANAGED_SELECTOR)
                        .withSecondaryToPrimaryMapper((Pod pod) -> {
                            String owner = pod.getMetadata().getLabels().get(WorkloadLabels.DEPLOYMENT);
                            return owner == null ? Set.of()
                                    : Set.of(new ResourceID(owner, pod.getMetadata().getNamespace()));
                        })
                        .build(),
                context);
        return List.of(deploymentSource, podSource);
    }

    @Override
    public UpdateControl<ModelDeployment> reconcile(ModelDeployment md, Context<ModelDeployment> context) {
        return metrics.reconcile(() -> reconcileMeasured(md, context));
    }

    private UpdateControl<ModelDeployment> reconcileMeasured(ModelDeployment md, Context<ModelDeployment> context) {
        rolloutMetrics.register(md);
        ModelVersion serving = ModelVersion.of(md.getStatus() == null ? null : md.getStatus().getStable());
        ObservedWorkloads observed = ObservedWorkloads.of(context.getSecondaryResources(Deployment.class),
                context.getSecondaryResources(Pod.class), knownRevisions(md, serving));

        List<String> invalid = SpecValidator.check(md.getSpec());
        if (!invalid.isEmpty()) {
            // Nothing is applied: whatever serves keeps serving until the spec is fixed.
            var problem = new WorkloadProblem(Conditions.REASON_INVALID_SPEC, String.join("; ", invalid));
            return writeStatus(md, context, new StatusAggregator.Findings(
                    RolloutPlan.hold(serving), observed, diagnose(md, serving, observed), problem));
        }

        Instant now = Instant.now();
        RolloutPlan plan = plan(md, serving, observed, now);
        deployments.apply(md, plan, observed, context);
        WorkloadProblem routing = traffic.apply(md, plan, observed, context);
        rolloutMetrics.recordRollout(md, plan.rollout());

        return writeStatus(md, context, new StatusAggregator.Findings(plan, observed,
                diagnose(md, plan.stable(), observed), diagnose(md, plan.incoming(), observed),
                servingFigures(md, serving, plan, observed, now), routing));
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
        known.add(ModelVersion.of(md.getSpec().getModel()));
        known.add(ModelVersion.of(status == null ? null : status.getRejected()));
        return known;
    }

    /**
     * The serving version's figures for status.metrics when spec.monitoring asks for them and they
     * are due; null keeps the previous ones. While a canary runs its analysis already reads the
     * stable arm, and a second read would split the pods' counter deltas between two readers.
     */
    private MetricsStatus servingFigures(ModelDeployment md, ModelVersion serving, RolloutPlan plan,
            ObservedWorkloads observed, Instant now) {
        if (md.getSpec().getMonitoring() == null || plan.stable() == null) {
            return null;
        }
        boolean canary = serving != null && !serving.equals(ModelVersion.of(md.getSpec().getModel()));
        if (canary) {
            AnalysisStatus checked = plan.rollout() == null ? null : plan.rollout().checked();
            return checked == null ? null : checked.getStable();
        }
        if (!monitoringDue(md, now).isZero()) {
            return null;
        }
        ArmMetrics read = armMetrics.read(md, plan.stable(), observed.podsOf(plan.stable()), monitoringInterval(md));
        return read.measured() ? ArmFigures.of(read, now) : null;
    }

    /** Time until the serving version's figures are due again; zero when due now. */
    private static Duration monitoringDue(ModelDeployment md, Instant now) {
        MetricsStatus last = md.getStatus() == null ? null : md.getStatus().getMetrics();
        if (last == null || last.getObservedAt() == null) {
            return Duration.ZERO;
        }
        Duration wait = Duration.between(now, Instant.parse(last.getObservedAt()).plus(monitoringInterval(md)));
        return wait.isNegative() ? Duration.ZERO : wait;
    }

    private static Duration monitoringInterval(ModelDeployment md) {
        return Durations.parse(md.getSpec().getMonitoring().getInterval());
    }

    /** The first version needs no canary; any other file than the serving one (version, uri or sha256) does. */
    private RolloutPlan plan(ModelDeployment md, ModelVersion serving, ObservedWorkloads observed, Instant now) {
        ModelVersion wanted = ModelVersion.of(md.getSpec().getModel());
        if (serving == null || serving.equals(wanted)) {
            RolloutPlan plan = RolloutPlan.decide(wanted, serving, md.getSpec().getServing().getReplicas(), observed);
            return plan.with(CanaryRollout.withoutCanary(md, serving, now));
        }
        Duration interval = Durations.parse(md.getSpec().getRollout().getAnalysis().getInterval());
        return CanaryRollout.plan(md, serving, observed,
                model -> armMetrics.read(md, model, observed.podsOf(model), interval),
                model -> diagnose(md, model, observed), now);
    }

    @Override
    public ErrorStatusUpdateControl<ModelDeployment> updateErrorStatus(ModelDeployment md,
            Context<ModelDeployment> context, Exception e) {
        ModelDeploymentStatus next = StatusAggregator.withError(md, e.getMessage(), Instant.now());
        recordTransitions(md, next);
        if (sameStatus(context, md.getStatus(), next)) {
            return ErrorStatusUpdateControl.noStatusUpdate();
        }
        md.setStatus(next);
        return ErrorStatusUpdateControl.patchStatus(md);
    }

    private WorkloadProblem diagnose(ModelDeployment md, ModelVersion model, ObservedWorkloads observed) {
        if (model == null) {
            return null;
        }
        return PodDiagnosis.diagnose(md, model, observed.podsOf(model), config.gpuResourceName())
                .orElse(null);
    }

    private UpdateControl<ModelDeployment> writeStatus(ModelDeployment md, Context<ModelDeployment> context,
            StatusAggregator.Findings findings) {
        ModelDeploymentStatus next = StatusAggregator.build(md, findings, Instant.now());
        recordTransitions(md, next);
        rolloutMetrics.recordStatus(md, next);
        UpdateControl<ModelDeployment> control;
        if (sameStatus(context, md.getStatus(), next)) {
            control = UpdateControl.noUpdate();
        } else {
            md.setStatus(next);
            control = UpdateControl.patchStatus(md);
        }
        // Never wait inside a reconcile: look again later, even if no event arrives; a running
        // canary is looked at again when its next check is due.
        return control.rescheduleAfter(nextLook(md, next, Instant.now()));
    }

    private Duration nextLook(ModelDeployment md, ModelDeploymentStatus status, Instant now) {
        Duration fallback = config.reconcileInterval();
        if (md.getSpec().getMonitoring() != null && status.getStable() != null) {
            // The serving version's figures are read when due, even if nothing else happens.
            Duration due = monitoringDue(md, now);
            Duration monitoring = due.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : due;
            fallback = monitoring.compareTo(fallback) < 0 ? monitoring : fallback;
        }
        if (status.getCanary() == null || CanaryRollout.promoting(status.getCanary())) {
            return fallback;
        }
        if (status.getCanary().getAnalysis() == null || status.getCanary().getAnalysis().getCheckedAt() == null) {
            return Duration.ofSeconds(1);
        }
        Instant due = Instant.parse(status.getCanary().getAnalysis().getCheckedAt())
                .plus(Durations.parse(md.getSpec().getRollout().getAnalysis().getInterval()));
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

    private static boolean sameStatus(Context<ModelDeployment> context, ModelDeploymentStatus before,
            ModelDeploymentStatus after) {
        KubernetesSerialization json = context.getClient().getKubernetesSerialization();
        return before != null && json.convertValue(before, JsonNode.class).equals(json.convertValue(after, JsonNode.class));
    }
}
