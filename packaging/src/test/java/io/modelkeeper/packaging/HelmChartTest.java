package io.modelkeeper.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart lints strictly, renders with every documented option, and renders only valid objects.
 */
class HelmChartTest {

  @Test
  void lintsStrictly() {
    LintResult result = Chart.helm().lint().strict().call();
    assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
  }

  static Stream<Arguments> options() {
    return Stream.of(
        Arguments.of("defaults", Map.of()),
        Arguments.of("two replicas (leader election)", Chart.values("replicaCount", 2)),
        Arguments.of(
            "watched namespaces", Chart.values("watchNamespaces", List.of("team-a", "team-b"))),
        Arguments.of(
            "image overrides",
            Chart.values(
                "image.repository",
                "registry.local/mk/operator",
                "image.tag",
                "dev",
                "modelServer.image.repository",
                "registry.local/mk/model-server",
                "modelServer.image.tag",
                "dev-cuda")),
        Arguments.of(
            "existing service account",
            Chart.values("serviceAccount.create", false, "serviceAccount.name", "ml-operator")),
        Arguments.of("AMD GPUs", Chart.values("gpu.resourceName", "amd.com/gpu")),
        Arguments.of(
            "JSON logs and heap",
            Chart.values("logFormat", "json", "jvm.maxHeap", "384m", "reconcileInterval", "2m")),
        Arguments.of(
            "scheduling",
            Chart.values(
                "nodeSelector.pool",
                "system",
                "tolerations",
                List.of(Map.of("key", "dedicated", "operator", "Exists")),
                "priorityClassName",
                "system-cluster-critical")),
        Arguments.of(
            "extra env",
            Chart.values(
                "extraEnv", List.of(Map.of("name", "QUARKUS_LOG_LEVEL", "value", "DEBUG")))),
        Arguments.of(
            "service monitor",
            Chart.values(
                "metrics.serviceMonitor.enabled",
                true,
                "metrics.serviceMonitor.labels.release",
                "kube-prometheus-stack")),
        Arguments.of(
            "pod monitor",
            Chart.values(
                "metrics.podMonitor.enabled",
                true,
                "metrics.podMonitor.namespaces",
                List.of("ml"))),
        Arguments.of(
            "alerts",
            Chart.values("prometheusRule.enabled", true, "prometheusRule.minAccuracy", 0.95)),
        Arguments.of(
            "network policy",
            Chart.values("networkPolicy.enabled", true, "networkPolicy.namespaces", List.of("ml"))),
        Arguments.of(
            "Prometheus with a token from a Secret and a CA bundle",
            Chart.values(
                "prometheus.url",
                "https://prometheus.monitoring:9090",
                "prometheus.auth.secretName",
                "prometheus-token",
                "prometheus.auth.bearerTokenKey",
                "token",
                "prometheus.tls.caConfigMap",
                "monitoring-ca")),
        Arguments.of(
            "dashboard",
            Chart.values(
                "grafanaDashboard.enabled", true, "grafanaDashboard.namespace", "monitoring")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("options")
  void rendersOnlyKnownKindsWithoutUnknownFields(String option, Map<String, Object> values) {
    List<HasMetadata> objects = Chart.objects(values);

    assertThat(objects).isNotEmpty();
    assertThat(objects).noneMatch(GenericKubernetesResource.class::isInstance);
    for (HasMetadata object : objects) {
      assertThat(UnknownFields.in(object))
          .as("%s %s", object.getKind(), object.getMetadata().getName())
          .isEmpty();
    }
    assertThat(Chart.ofType(objects, Deployment.class)).hasSize(1);
  }

  @Test
  void optionalMonitoringObjectsAppearOnlyWhenAsked() {
    List<HasMetadata> defaults = Chart.objects(Map.of());
    assertThat(Chart.ofType(defaults, ServiceMonitor.class)).isEmpty();
    assertThat(Chart.ofType(defaults, PodMonitor.class)).isEmpty();
    assertThat(Chart.ofType(defaults, PrometheusRule.class)).isEmpty();

    List<HasMetadata> all =
        Chart.objects(
            Chart.values(
                "metrics.serviceMonitor.enabled",
                true,
                "metrics.podMonitor.enabled",
                true,
                "prometheusRule.enabled",
                true,
                "grafanaDashboard.enabled",
                true));
    assertThat(Chart.ofType(all, ServiceMonitor.class))
        .singleElement()
        .satisfies(
            sm -> assertThat(sm.getSpec().getEndpoints().get(0).getPath()).isEqualTo("/q/metrics"))
        .satisfies(
            sm ->
                assertThat(sm.getSpec().getEndpoints().get(0).getHonorLabels())
                    .as("the operator's namespace label names the ModelDeployment's namespace")
                    .isTrue());
    assertThat(Chart.ofType(all, PodMonitor.class))
        .singleElement()
        .satisfies(
            pm ->
                assertThat(pm.getSpec().getPodMetricsEndpoints().get(0).getPath())
                    .isEqualTo("/metrics"));
    assertThat(Chart.ofType(all, PrometheusRule.class))
        .singleElement()
        .satisfies(rule -> assertThat(rule.getSpec().getGroups()).isNotEmpty());
    assertThat(Chart.ofType(all, ConfigMap.class))
        .anySatisfy(
            cm -> assertThat(cm.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1"));
  }

  @Test
  void aNetworkPolicyKeepsModelPodsToTheirCallersTheOperatorAndPrometheus() {
    assertThat(Chart.ofType(Chart.objects(Map.of()), NetworkPolicy.class)).isEmpty();
    List<HasMetadata> objects =
        Chart.objects(
            Chart.values(
                "networkPolicy.enabled", true, "watchNamespaces", List.of("team-a", "team-b")));
    assertThat(Chart.ofType(objects, NetworkPolicy.class))
        .extracting(p -> p.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("team-a", "team-b");
    NetworkPolicy policy = Chart.ofType(objects, NetworkPolicy.class).get(0);
    assertThat(policy.getSpec().getPodSelector().getMatchLabels())
        .containsEntry("app.kubernetes.io/name", "modelkeeper-model-server");
    assertThat(policy.getSpec().getIngress()).hasSize(2);
    var inference = policy.getSpec().getIngress().get(0);
    assertThat(inference.getPorts().get(0).getPort().getStrVal()).isEqualTo("http");
    assertThat(inference.getFrom()).hasSize(3);
    assertThat(inference.getFrom().get(0).getPodSelector().getMatchLabels()).isNullOrEmpty();
    var admin = policy.getSpec().getIngress().get(1);
    assertThat(admin.getPorts().get(0).getPort().getStrVal()).isEqualTo("admin");
    assertThat(admin.getFrom())
        .as("only the operator, Prometheus and the model's pods reach the privileged endpoints")
        .hasSize(3)
        .satisfiesExactly(
            operator ->
                assertThat(operator.getNamespaceSelector().getMatchLabels())
                    .containsEntry("kubernetes.io/metadata.name", Chart.NAMESPACE),
            prometheus ->
                assertThat(prometheus.getNamespaceSelector().getMatchLabels())
                    .containsEntry("kubernetes.io/metadata.name", "monitoring"),
            modelPods -> {
              assertThat(modelPods.getNamespaceSelector()).as("this namespace only").isNull();
              assertThat(modelPods.getPodSelector().getMatchLabels())
                  .containsEntry("app.kubernetes.io/name", "modelkeeper-model-server");
            });
  }

  @Test
  void chartCrdsAreByteIdenticalToTheGeneratedOnes() throws IOException {
    Path generated = Repo.path("crds");
    Path chart = Repo.path("helm/modelkeeper/crds");
    List<String> names = fileNames(generated);
    assertThat(names).as("generated CRDs in crds/").isNotEmpty();
    assertThat(fileNames(chart))
        .as(
            "helm/modelkeeper/crds/ must hold exactly the files of crds/ (cp crds/*.yml helm/modelkeeper/crds/)")
        .containsExactlyElementsOf(names);
    for (String name : names) {
      assertThat(Files.readAllBytes(chart.resolve(name)))
          .as("helm/modelkeeper/crds/%s differs from crds/%s: copy it again", name, name)
          .isEqualTo(Files.readAllBytes(generated.resolve(name)));
    }
  }

  @Test
  void operatorPodRunsUnderTheRestrictedProfile() {
    Deployment operator = Chart.ofType(Chart.objects(Map.of()), Deployment.class).get(0);
    PodSpec pod = operator.getSpec().getTemplate().getSpec();

    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isNotZero();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    for (Container container : pod.getContainers()) {
      SecurityContext sc = container.getSecurityContext();
      assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
      assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
      assertThat(sc.getRunAsNonRoot()).isTrue();
      assertThat(sc.getPrivileged()).isNotEqualTo(Boolean.TRUE);
      assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
      assertThat(sc.getCapabilities().getAdd()).isNullOrEmpty();
      assertThat(sc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
      assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
      assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
      assertThat(container.getResources().getLimits()).containsKey("memory");
    }
    assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getHostPID()).isNotEqualTo(Boolean.TRUE);
  }

  @Test
  void heapAndConfigurationReachTheOperator() {
    List<HasMetadata> objects =
        Chart.objects(
            Chart.values(
                "jvm.maxHeap",
                "384m",
                "gpu.resourceName",
                "amd.com/gpu",
                "modelServer.image.tag",
                "9.9.9"));
    Container operator =
        Chart.ofType(objects, Deployment.class)
            .get(0)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    assertThat(operator.getEnv())
        .anySatisfy(
            env -> {
              assertThat(env.getName()).isEqualTo("JAVA_TOOL_OPTIONS");
              assertThat(env.getValue()).contains("-Xmx384m");
            });
    ConfigMap config = Chart.ofType(objects, ConfigMap.class).get(0);
    assertThat(config.getData())
        .containsEntry("MODELKEEPER_GPU_RESOURCE_NAME", "amd.com/gpu")
        .containsEntry("MODELKEEPER_MODEL_SERVER_IMAGE", "ghcr.io/modelkeeper/model-server:9.9.9")
        .containsEntry("MODELKEEPER_WATCH_NAMESPACES", "JOSDK_ALL_NAMESPACES")
        .containsEntry("MODELKEEPER_LEADER_ELECTION_ENABLED", "false");
  }

  @Test
  void watchedNamespacesGetRolesInsteadOfAClusterRole() {
    List<HasMetadata> objects =
        Chart.objects(Chart.values("watchNamespaces", List.of("team-a", "team-b")));

    assertThat(Chart.ofType(objects, ClusterRole.class))
        .singleElement()
        .as("only the CRD check is cluster-wide")
        .satisfies(
            role ->
                assertThat(role.getRules())
                    .singleElement()
                    .satisfies(
                        rule -> {
                          assertThat(rule.getResources())
                              .containsExactly("customresourcedefinitions");
                          assertThat(rule.getVerbs()).containsExactly("get", "list");
                        }));
    assertThat(Chart.ofType(objects, ClusterRoleBinding.class)).hasSize(1);
    assertThat(Chart.ofType(objects, Role.class))
        .extracting(r -> r.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("team-a", "team-b");
    assertThat(Chart.ofType(objects, RoleBinding.class)).hasSize(2);
    assertThat(Chart.ofType(objects, ConfigMap.class).get(0).getData())
        .containsEntry("MODELKEEPER_WATCH_NAMESPACES", "team-a,team-b");
  }

  @Test
  void severalReplicasElectALeader() {
    List<HasMetadata> objects = Chart.objects(Chart.values("replicaCount", 3));

    assertThat(Chart.ofType(objects, ConfigMap.class).get(0).getData())
        .containsEntry("MODELKEEPER_LEADER_ELECTION_ENABLED", "true");
    assertThat(Chart.ofType(objects, Role.class))
        .singleElement()
        .satisfies(
            role ->
                assertThat(role.getRules())
                    .singleElement()
                    .satisfies(
                        rule -> {
                          assertThat(rule.getApiGroups()).containsExactly("coordination.k8s.io");
                          assertThat(rule.getResources()).containsExactly("leases");
                        }));
  }

  private static List<String> fileNames(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.endsWith(".yml") || n.endsWith(".yaml"))
          .sorted()
          .toList();
    }
  }
}
