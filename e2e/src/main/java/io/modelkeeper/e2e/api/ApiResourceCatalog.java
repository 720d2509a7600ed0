package io.modelkeeper.e2e.api;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIGroupBuilder;
import io.fabric8.kubernetes.api.model.APIGroupList;
import io.fabric8.kubernetes.api.model.APIGroupListBuilder;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscoveryBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The API groups, versions and resources the local API server announces to discovery clients such
 * as kubectl.
 */
public final class ApiResourceCatalog {

  private static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  /** One announced resource type. */
  public record ResourceType(
      String group,
      String version,
      String plural,
      String singular,
      String kind,
      boolean namespaced,
      List<String> shortNames,
      List<String> categories,
      boolean statusSubresource,
      boolean scaleSubresource) {

    ResourceType(
        String group,
        String version,
        String plural,
        String singular,
        String kind,
        boolean namespaced,
        List<String> shortNames,
        List<String> categories,
        boolean statusSubresource) {
      this(
          group,
          version,
          plural,
          singular,
          kind,
          namespaced,
          shortNames,
          categories,
          statusSubresource,
          false);
    }

    String groupVersion() {
      return group.isEmpty() ? version : group + "/" + version;
    }
  }

  private static final List<ResourceType> BUILT_IN =
      List.of(
          core("pods", "pod", "Pod", true, List.of("po"), true),
          core("services", "service", "Service", true, List.of("svc"), true),
          core("endpoints", "endpoints", "Endpoints", true, List.of("ep"), false),
          core("events", "event", "Event", true, List.of("ev"), false),
          core("configmaps", "configmap", "ConfigMap", true, List.of("cm"), false),
          core("secrets", "secret", "Secret", true, List.of(), false),
          core("serviceaccounts", "serviceaccount", "ServiceAccount", true, List.of("sa"), false),
          core(
              "persistentvolumeclaims",
              "persistentvolumeclaim",
              "PersistentVolumeClaim",
              true,
              List.of("pvc"),
              true),
          core("namespaces", "namespace", "Namespace", false, List.of("ns"), true),
          core("nodes", "node", "Node", false, List.of("no"), true),
          new ResourceType(
              "apps",
              "v1",
              "deployments",
              "deployment",
              "Deployment",
              true,
              List.of("deploy"),
              List.of("all"),
              true,
              true),
          new ResourceType(
              "apps",
              "v1",
              "replicasets",
              "replicaset",
              "ReplicaSet",
              true,
              List.of("rs"),
              List.of("all"),
              true,
              true),
          new ResourceType(
              "batch", "v1", "jobs", "job", "Job", true, List.of(), List.of("all"), true),
          new ResourceType(
              "coordination.k8s.io",
              "v1",
              "leases",
              "lease",
              "Lease",
              true,
              List.of(),
              List.of(),
              false),
          new ResourceType(
              "events.k8s.io",
              "v1",
              "events",
              "event",
              "Event",
              true,
              List.of("ev"),
              List.of(),
              false),
          new ResourceType(
              "gateway.networking.k8s.io",
              "v1",
              "httproutes",
              "httproute",
              "HTTPRoute",
              true,
              List.of(),
              List.of("gateway-api"),
              true),
          new ResourceType(
              "gateway.networking.k8s.io",
              "v1",
              "gateways",
              "gateway",
              "Gateway",
              true,
              List.of("gtw"),
              List.of("gateway-api"),
              true),
          new ResourceType(
              "rbac.authorization.k8s.io",
              "v1",
              "clusterroles",
              "clusterrole",
              "ClusterRole",
              false,
              List.of(),
              List.of(),
              false),
          new ResourceType(
              "rbac.authorization.k8s.io",
              "v1",
              "clusterrolebindings",
              "clusterrolebinding",
              "ClusterRoleBinding",
              false,
              List.of(),
              List.of(),
              false),
          new ResourceType(
              "rbac.authorization.k8s.io",
              "v1",
              "roles",
              "role",
              "Role",
              true,
              List.of(),
              List.of(),
              false),
          new ResourceType(
              "rbac.authorization.k8s.io",
              "v1",
              "rolebindings",
              "rolebinding",
              "RoleBinding",
              true,
              List.of(),
              List.of(),
              false),
          // The Prometheus Operator's resources, as a cluster with kube-prometheus-stack announces
          // them.
          new ResourceType(
              "monitoring.coreos.com",
              "v1",
              "servicemonitors",
              "servicemonitor",
              "ServiceMonitor",
              true,
              List.of("smon"),
              List.of("prometheus-operator"),
              false),
          new ResourceType(
              "monitoring.coreos.com",
              "v1",
              "podmonitors",
              "podmonitor",
              "PodMonitor",
              true,
              List.of("pmon"),
              List.of("prometheus-operator"),
              false),
          new ResourceType(
              "monitoring.coreos.com",
              "v1",
              "prometheusrules",
              "prometheusrule",
              "PrometheusRule",
              true,
              List.of("promrule"),
              List.of("prometheus-operator"),
              false),
          new ResourceType(
              "apiextensions.k8s.io",
              "v1",
              "customresourcedefinitions",
              "customresourcedefinition",
              "CustomResourceDefinition",
              false,
              List.of("crd", "crds"),
              List.of("api-extensions"),
              true));

  private static ResourceType core(
      String plural,
      String singular,
      String kind,
      boolean namespaced,
      List<String> shortNames,
      boolean status) {
    List<String> categories =
        List.of("pods", "services").contains(plural) ? List.of("all") : List.of();
    return new ResourceType(
        "", "v1", plural, singular, kind, namespaced, shortNames, categories, status);
  }

  private final List<ResourceType> types;

  private ApiResourceCatalog(List<ResourceType> types) {
    this.types = types;
  }

  /** The built-in types plus every served version of the given custom resource definitions. */
  public static ApiResourceCatalog of(List<CustomResourceDefinition> crds) {
    List<ResourceType> all = new ArrayList<>(BUILT_IN);
    for (CustomResourceDefinition crd : crds) {
      var names = crd.getSpec().getNames();
      for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
        if (Boolean.FALSE.equals(version.getServed())) {
          continue;
        }
        all.add(
            new ResourceType(
                crd.getSpec().getGroup(),
                version.getName(),
                names.getPlural(),
                Optional.ofNullable(names.getSingular()).orElse(names.getKind().toLowerCase()),
                names.getKind(),
                "Namespaced".equals(crd.getSpec().getScope()),
                Optional.ofNullable(names.getShortNames()).orElse(List.of()),
                Optional.ofNullable(names.getCategories()).orElse(List.of()),
                version.getSubresources() != null && version.getSubresources().getStatus() != null,
                version.getSubresources() != null && version.getSubresources().getScale() != null));
      }
    }
    return new ApiResourceCatalog(all);
  }

  /** The {@code /apis} answer: every named group with its versions. */
  public APIGroupList groups() {
    Map<String, List<String>> versionsByGroup = new LinkedHashMap<>();
    for (ResourceType type : types) {
      if (!type.group().isEmpty()) {
        List<String> versions =
            versionsByGroup.computeIfAbsent(type.group(), g -> new ArrayList<>());
        if (!versions.contains(type.version())) {
          versions.add(type.version());
        }
      }
    }
    List<APIGroup> groups = new ArrayList<>();
    versionsByGroup.forEach(
        (group, versions) -> {
          APIGroupBuilder builder = new APIGroupBuilder().withName(group);
          for (String version : versions) {
            builder.addToVersions(
                new GroupVersionForDiscoveryBuilder()
                    .withGroupVersion(group + "/" + version)
                    .withVersion(version)
                    .build());
          }
          builder.withPreferredVersion(builder.buildVersions().get(0));
          groups.add(builder.build());
        });
    return new APIGroupListBuilder().withGroups(groups).build();
  }

  /** The resources of one group version, or empty when the group version is not served. */
  public Optional<APIResourceList> resources(String group, String version) {
    List<APIResource> resources = new ArrayList<>();
    for (ResourceType type : types) {
      if (type.group().equals(group) && type.version().equals(version)) {
        resources.add(
            new APIResourceBuilder()
                .withName(type.plural())
                .withSingularName(type.singular())
                .withKind(type.kind())
                .withNamespaced(type.namespaced())
                .withVerbs(VERBS)
                .withShortNames(type.shortNames())
                .withCategories(type.categories())
                .build());
        if (type.statusSubresource()) {
          resources.add(
              new APIResourceBuilder()
                  .withName(type.plural() + "/status")
                  .withSingularName("")
                  .withKind(type.kind())
                  .withNamespaced(type.namespaced())
                  .withVerbs("get", "patch", "update")
                  .build());
        }
        if (type.scaleSubresource()) {
          resources.add(
              new APIResourceBuilder()
                  .withName(type.plural() + "/scale")
                  .withSingularName("")
                  .withGroup("autoscaling")
                  .withVersion("v1")
                  .withKind("Scale")
                  .withNamespaced(type.namespaced())
                  .withVerbs("get", "patch", "update")
                  .build());
        }
      }
    }
    if (resources.isEmpty()) {
      return Optional.empty();
    }
    String groupVersion = group.isEmpty() ? version : group + "/" + version;
    return Optional.of(
        new APIResourceListBuilder()
            .withGroupVersion(groupVersion)
            .withResources(resources)
            .build());
  }

  /** The resource type served at a group, version and plural, if any. */
  public Optional<ResourceType> find(String group, String version, String plural) {
    return types.stream()
        .filter(
            t ->
                t.group().equals(group) && t.version().equals(version) && t.plural().equals(plural))
        .findFirst();
  }
}
