package io.modelkeeper.operator.routing.gatewayapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Weights in an HTTPRoute: only the model's own backends change. */
class HttpRouteWeightsTest {

  private static final Set<String> OWNED = Set.of("fraud", "fraud-1", "fraud-2");

  @Test
  void theModelsServiceBecomesStableAndCanaryAtTheStepsWeight() {
    Map<String, Object> spec = route(List.of(ref("fraud", null)));
    assertThat(HttpRouteWeights.apply(spec, OWNED, "fraud-1", "fraud-2", 10)).isTrue();
    assertThat(refs(spec, 0))
        .containsExactly(
            Map.of("name", "fraud-1", "port", 80, "weight", 90),
            Map.of("name", "fraud-2", "port", 80, "weight", 10));

    assertThat(HttpRouteWeights.apply(spec, OWNED, "fraud-1", "fraud-2", 10))
        .as("nothing to change")
        .isFalse();
    assertThat(HttpRouteWeights.apply(spec, OWNED, "fraud-2", null, 0)).isTrue();
    assertThat(refs(spec, 0)).containsExactly(Map.of("name", "fraud-2", "port", 80, "weight", 100));
  }

  @Test
  @SuppressWarnings("unchecked")
  void otherBackendsAndRulesStayAndTheModelKeepsItsShare() {
    Map<String, Object> other = ref("legacy", 30);
    Map<String, Object> spec = route(List.of(other, ref("fraud", 10)));
    ((List<Object>) spec.get("rules"))
        .add(
            new LinkedHashMap<>(
                Map.of("backendRefs", new ArrayList<>(List.of(ref("search", null))))));

    HttpRouteWeights.apply(spec, OWNED, "fraud-1", "fraud-2", 50);
    List<Object> first = refs(spec, 0);
    assertThat(first.get(0)).isEqualTo(Map.of("name", "legacy", "weight", 30));
    assertThat(first.subList(1, 3))
        .extracting(r -> (Object) ((Map<?, ?>) r).get("weight"))
        .containsExactly(5, 5);
    assertThat(refs(spec, 1)).containsExactly(Map.of("name", "search"));
  }

  @Test
  void aServiceOfTheSameNameInAnotherNamespaceOrKindIsNotOurs() {
    Map<String, Object> foreign = ref("fraud", null);
    foreign.put("namespace", "other");
    Map<String, Object> spec = route(List.of(foreign));
    assertThat(HttpRouteWeights.apply(spec, OWNED, "fraud-1", "fraud-2", 10)).isFalse();
  }

  @Test
  void aRouteRoutesToTheModelOnlyThroughABackendOfItsOwnServices() {
    assertThat(
            HttpRouteWeights.routesTo(route(List.of(ref("legacy", 30), ref("fraud-2", 10))), OWNED))
        .isTrue();
    assertThat(HttpRouteWeights.routesTo(route(List.of(ref("legacy", 30))), OWNED)).isFalse();
    Map<String, Object> foreign = ref("fraud", null);
    foreign.put("namespace", "other");
    assertThat(HttpRouteWeights.routesTo(route(List.of(foreign)), OWNED)).isFalse();
    assertThat(HttpRouteWeights.routesTo(Map.of(), OWNED)).isFalse();
  }

  private static Map<String, Object> route(List<Map<String, Object>> backendRefs) {
    Map<String, Object> rule = new LinkedHashMap<>();
    rule.put("backendRefs", new ArrayList<>(backendRefs));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("rules", new ArrayList<>(List.of(rule)));
    return spec;
  }

  private static Map<String, Object> ref(String name, Integer weight) {
    Map<String, Object> ref = new LinkedHashMap<>();
    ref.put("name", name);
    if (weight != null) {
      ref.put("weight", weight);
    }
    return ref;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> refs(Map<String, Object> spec, int rule) {
    return (List<Object>)
        ((Map<String, Object>) ((List<Object>) spec.get("rules")).get(rule)).get("backendRefs");
  }
}
