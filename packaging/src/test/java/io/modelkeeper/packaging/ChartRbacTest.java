package io.modelkeeper.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chart grants the operator exactly what {@code operator/rbac/cluster-role.yaml} lists — the
 * role the operator's own tests prove sufficient by checking every request it makes — and nothing
 * more.
 */
class ChartRbacTest {

  private static final String OPERATOR_ROLE = "operator/rbac/cluster-role.yaml";

  @Test
  void clusterWideInstallGrantsExactlyTheOperatorsRole() {
    List<HasMetadata> objects = Chart.objects(Map.of());

    assertThat(
            permissions(
                Chart.ofType(objects, ClusterRole.class).stream()
                    .flatMap(role -> role.getRules().stream())
                    .toList()))
        .as("chart ClusterRoles vs %s", OPERATOR_ROLE)
        .isEqualTo(permissions(operatorRole().getRules()));
  }

  @Test
  void namespacedInstallGrantsTheSameWithinEachNamespace() {
    List<HasMetadata> objects = Chart.objects(Chart.values("watchNamespaces", List.of("team-a")));
    List<PolicyRule> granted =
        Stream.concat(
                Chart.ofType(objects, ClusterRole.class).stream()
                    .flatMap(role -> role.getRules().stream()),
                Chart.ofType(objects, Role.class).stream()
                    .flatMap(role -> role.getRules().stream()))
            .toList();

    assertThat(permissions(granted)).isEqualTo(permissions(operatorRole().getRules()));
  }

  /**
   * Secrets only get: the operator reads the one admin token a ModelDeployment names, in its own
   * namespace, to scrape metrics; it never lists or watches Secrets, so it holds no others.
   */
  @Test
  void secretsAreOnlyReadByNameAndNothingIsGrantedWithWildcards() {
    List<HasMetadata> objects = Chart.objects(Chart.values("replicaCount", 2));
    Stream.concat(
            Chart.ofType(objects, ClusterRole.class).stream().flatMap(r -> r.getRules().stream()),
            Chart.ofType(objects, Role.class).stream().flatMap(r -> r.getRules().stream()))
        .forEach(
            rule -> {
              assertThat(rule.getResources()).doesNotContain("*");
              if (rule.getResources().contains("secrets")) {
                assertThat(rule.getResources()).containsExactly("secrets");
                assertThat(rule.getVerbs()).containsExactly("get");
              }
              assertThat(rule.getVerbs()).doesNotContain("*", "escalate", "bind", "impersonate");
              assertThat(rule.getApiGroups()).doesNotContain("*");
            });
  }

  private static ClusterRole operatorRole() {
    return Serialization.unmarshal(Repo.read(OPERATOR_ROLE), ClusterRole.class);
  }

  /** Flattens rules into "group/resource:verb" so differently grouped rules compare equal. */
  private static Set<String> permissions(Collection<PolicyRule> rules) {
    Set<String> flat = new TreeSet<>();
    for (PolicyRule rule : rules) {
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            flat.add(group + "/" + resource + ":" + verb);
          }
        }
      }
    }
    return flat;
  }
}
