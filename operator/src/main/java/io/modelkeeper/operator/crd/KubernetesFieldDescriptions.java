package io.modelkeeper.operator.crd;

import java.util.Map;

/**
 * What {@code kubectl explain} shows for the fields of Kubernetes' own types that the API embeds
 * (affinity, tolerations, resources, conditions), keyed by type and field: their Java classes carry
 * no descriptions for the CRD generator to copy. Our own short wording of Kubernetes' API
 * reference.
 */
final class KubernetesFieldDescriptions {

  private static final String REQUIRED_NODES =
      "Node rules the pod must satisfy to be scheduled."
          + " A running pod is not evicted when its node stops satisfying them.";
  private static final String PREFERRED_NODES =
      "Weighted node preferences: the scheduler favours nodes"
          + " matching terms of greater total weight, but may still choose a node matching none.";
  private static final String LABEL_KEY = "The label key the requirement applies to.";
  private static final String SCHEDULING_WEIGHT =
      "Weight from 1 to 100, added to a node's score when the term" + " is satisfied there.";

  private static final Map<String, String> DESCRIPTIONS =
      Map.ofEntries(
          Map.entry(
              "Affinity.nodeAffinity",
              "Rules that restrict or steer the pod to nodes by their labels."),
          Map.entry(
              "Affinity.podAffinity",
              "Rules that place the pod in the same topology domain (a node, a zone)"
                  + " as pods matching a label selector."),
          Map.entry(
              "Affinity.podAntiAffinity",
              "Rules that keep the pod out of topology domains (a node, a zone)"
                  + " that already run pods matching a label selector."),
          Map.entry("NodeAffinity.requiredDuringSchedulingIgnoredDuringExecution", REQUIRED_NODES),
          Map.entry(
              "NodeAffinity.preferredDuringSchedulingIgnoredDuringExecution", PREFERRED_NODES),
          Map.entry(
              "NodeSelector.nodeSelectorTerms",
              "Node selector terms, ORed: a node qualifies when it matches" + " any one of them."),
          Map.entry(
              "PreferredSchedulingTerm.preference",
              "The node selector term this preference favours."),
          Map.entry("PreferredSchedulingTerm.weight", SCHEDULING_WEIGHT),
          Map.entry("NodeSelectorTerm.matchExpressions", "Requirements on node labels, ANDed."),
          Map.entry(
              "NodeSelectorTerm.matchFields",
              "Requirements on node fields such as metadata.name, ANDed."),
          Map.entry(
              "NodeSelectorRequirement.key",
              "The node label (or, in matchFields, node field) the requirement" + " applies to."),
          Map.entry(
              "NodeSelectorRequirement.operator",
              "How the key relates to values: In, NotIn, Exists," + " DoesNotExist, Gt or Lt."),
          Map.entry(
              "NodeSelectorRequirement.values",
              "Values to compare with: at least one for In and NotIn, none"
                  + " for Exists and DoesNotExist, a single integer for Gt and Lt."),
          Map.entry(
              "PodAffinity.requiredDuringSchedulingIgnoredDuringExecution",
              "Pod affinity terms that must"
                  + " all hold on a node for the pod to be scheduled there; not re-checked once the pod runs."),
          Map.entry(
              "PodAffinity.preferredDuringSchedulingIgnoredDuringExecution",
              "Weighted pod affinity terms:"
                  + " the scheduler favours nodes where the satisfied terms add up to the greatest weight."),
          Map.entry(
              "PodAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution",
              "Pod anti-affinity terms"
                  + " that must all hold on a node for the pod to be scheduled there; not re-checked once the pod"
                  + " runs."),
          Map.entry(
              "PodAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution",
              "Weighted pod anti-affinity"
                  + " terms: the scheduler favours nodes where the satisfied terms add up to the greatest weight."),
          Map.entry(
              "WeightedPodAffinityTerm.podAffinityTerm",
              "The pod affinity term this weight applies to."),
          Map.entry("WeightedPodAffinityTerm.weight", SCHEDULING_WEIGHT),
          Map.entry(
              "PodAffinityTerm.labelSelector",
              "Selects the pods the term is about; when unset, no pods" + " match."),
          Map.entry(
              "PodAffinityTerm.namespaceSelector",
              "Selects namespaces whose pods count, in addition to"
                  + " those listed in namespaces; {} selects every namespace."),
          Map.entry(
              "PodAffinityTerm.namespaces",
              "Namespaces whose pods count, in addition to those"
                  + " namespaceSelector selects; with neither set, only the pod's own namespace."),
          Map.entry(
              "PodAffinityTerm.topologyKey",
              "Node label that defines the topology domain, for example"
                  + " kubernetes.io/hostname or topology.kubernetes.io/zone: pods on nodes with the same value of"
                  + " it count as together. Required."),
          Map.entry(
              "PodAffinityTerm.matchLabelKeys",
              "Pod label keys whose values in the incoming pod are added"
                  + " to labelSelector as key in (value), for example pod-template-hash to count only pods of"
                  + " the same revision."),
          Map.entry(
              "PodAffinityTerm.mismatchLabelKeys",
              "Pod label keys whose values in the incoming pod are"
                  + " added to labelSelector as key notin (value), so that only pods with another value count."),
          Map.entry(
              "LabelSelector.matchExpressions",
              "Label requirements, ANDed with each other and with" + " matchLabels."),
          Map.entry(
              "LabelSelector.matchLabels",
              "Labels that must be present with exactly these values."),
          Map.entry("LabelSelectorRequirement.key", LABEL_KEY),
          Map.entry(
              "LabelSelectorRequirement.operator",
              "How the key relates to values: In, NotIn, Exists or" + " DoesNotExist."),
          Map.entry(
              "LabelSelectorRequirement.values",
              "Values to compare with: at least one for In and NotIn,"
                  + " none for Exists and DoesNotExist."),
          Map.entry(
              "ResourceRequirements.limits",
              "The most of each resource the container may use, for example"
                  + " cpu: \"2\" or memory: 4Gi."),
          Map.entry(
              "ResourceRequirements.requests",
              "How much of each resource the scheduler reserves for the"
                  + " container, for example cpu: 500m; defaults to the limits when those are set, and may not"
                  + " exceed them."),
          Map.entry(
              "ResourceRequirements.claims",
              "Entries of the pod's spec.resourceClaims (dynamic resource"
                  + " allocation) the container uses; needs the DynamicResourceAllocation feature gate."),
          Map.entry("ResourceClaim.name", "Name of the entry in the pod's spec.resourceClaims."),
          Map.entry(
              "ResourceClaim.request",
              "One request of that claim to use; empty uses the whole claim."),
          Map.entry(
              "Toleration.key",
              "Taint key the toleration matches; empty, with operator Exists, matches"
                  + " every taint."),
          Map.entry(
              "Toleration.operator",
              "Equal (the taint's value must equal value) or Exists (any value);"
                  + " Equal by default."),
          Map.entry(
              "Toleration.value", "Taint value to match with operator Equal; empty with Exists."),
          Map.entry(
              "Toleration.effect",
              "Taint effect to match: NoSchedule, PreferNoSchedule or NoExecute;"
                  + " empty matches every effect."),
          Map.entry(
              "Toleration.tolerationSeconds",
              "With effect NoExecute, how many seconds the pod stays on a"
                  + " node after the taint appears; unset stays for ever, 0 or less evicts at once."),
          Map.entry(
              "Condition.type",
              "What the condition is about, in CamelCase: Ready, Progressing or Degraded."),
          Map.entry("Condition.status", "True, False or Unknown."),
          Map.entry(
              "Condition.reason",
              "Why the condition last changed, as one CamelCase word for programs."),
          Map.entry("Condition.message", "Why the condition last changed, in words for people."),
          Map.entry("Condition.lastTransitionTime", "When status last changed (RFC 3339)."),
          Map.entry(
              "Condition.observedGeneration",
              "The metadata.generation the condition was set for; below"
                  + " the current generation, it is out of date."));

  private KubernetesFieldDescriptions() {}

  /**
   * The description of a field of a Kubernetes type, for example {@code Toleration.effect}; null if
   * none.
   */
  static String of(String type, String field) {
    return DESCRIPTIONS.get(type + "." + field);
  }
}
