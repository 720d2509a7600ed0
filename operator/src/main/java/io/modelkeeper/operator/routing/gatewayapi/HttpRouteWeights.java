package io.modelkeeper.operator.routing.gatewayapi;

import io.modelkeeper.operator.workload.ModelService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the stable and canary weights into a Gateway API HTTPRoute's rules. Only backendRefs that
 * point at the model's own Services are replaced; every other backend stays as the user wrote it,
 * and the model's backends keep the total weight they had, so their share of a shared rule holds.
 */
public final class HttpRouteWeights {

  private HttpRouteWeights() {}

  /**
   * The route spec with, in every rule that routes to one of {@code owned}, the owned backends
   * replaced by the stable Service and (when {@code canaryService} is set) the canary Service at
   * {@code canaryWeight} percent. Returns true when anything changed.
   */
  @SuppressWarnings("unchecked")
  public static boolean apply(
      Map<String, Object> spec,
      Set<String> owned,
      String stableService,
      String canaryService,
      int canaryWeight) {
    Object rules = spec == null ? null : spec.get("rules");
    if (!(rules instanceof List<?> list)) {
      return false;
    }
    boolean changed = false;
    for (Object rule : list) {
      if (rule instanceof Map<?, ?> map && map.get("backendRefs") instanceof List<?> refs) {
        List<Object> next =
            weighted((List<Object>) refs, owned, stableService, canaryService, canaryWeight);
        if (next != null && !next.equals(refs)) {
          ((Map<String, Object>) map).put("backendRefs", next);
          changed = true;
        }
      }
    }
    return changed;
  }

  /** True when some rule of the route spec has a backendRef to one of {@code owned}. */
  public static boolean routesTo(Map<String, Object> spec, Set<String> owned) {
    Object rules = spec == null ? null : spec.get("rules");
    if (!(rules instanceof List<?> list)) {
      return false;
    }
    return list.stream()
        .anyMatch(
            rule ->
                rule instanceof Map<?, ?> map
                    && map.get("backendRefs") instanceof List<?> refs
                    && refs.stream()
                        .anyMatch(
                            ref -> ref instanceof Map<?, ?> backend && isOwned(backend, owned)));
  }

  /** Every backendRef of the route spec that names a Service (core group, kind Service). */
  public static List<Map<?, ?>> serviceRefs(Map<String, Object> spec) {
    List<Map<?, ?>> found = new ArrayList<>();
    Object rules = spec == null ? null : spec.get("rules");
    if (!(rules instanceof List<?> list)) {
      return found;
    }
    for (Object rule : list) {
      if (rule instanceof Map<?, ?> map && map.get("backendRefs") instanceof List<?> refs) {
        for (Object ref : refs) {
          if (ref instanceof Map<?, ?> backend
              && (backend.get("kind") == null || "Service".equals(backend.get("kind")))
              && (backend.get("group") == null || "".equals(backend.get("group")))) {
            found.add(backend);
          }
        }
      }
    }
    return found;
  }

  private static List<Object> weighted(
      List<Object> refs,
      Set<String> owned,
      String stableService,
      String canaryService,
      int canaryWeight) {
    List<Object> result = new ArrayList<>();
    int ownedTotal = 0;
    boolean foreign = false;
    Object port = null;
    for (Object ref : refs) {
      if (ref instanceof Map<?, ?> map && isOwned(map, owned)) {
        ownedTotal += map.get("weight") instanceof Number n ? n.intValue() : 1;
        port = port != null ? port : map.get("port");
      } else {
        result.add(ref);
        foreign = true;
      }
    }
    if (result.size() == refs.size()) {
      return null;
    }
    int total = foreign ? ownedTotal : 100;
    int canary = canaryService == null ? 0 : Math.round(total * canaryWeight / 100f);
    result.add(ref(stableService, port, total - canary));
    if (canaryService != null) {
      result.add(ref(canaryService, port, canary));
    }
    return result;
  }

  private static boolean isOwned(Map<?, ?> ref, Set<String> owned) {
    Object kind = ref.get("kind");
    Object group = ref.get("group");
    return owned.contains(String.valueOf(ref.get("name")))
        && (kind == null || "Service".equals(kind))
        && (group == null || "".equals(group))
        && ref.get("namespace") == null;
  }

  private static Map<String, Object> ref(String service, Object port, int weight) {
    Map<String, Object> ref = new LinkedHashMap<>();
    ref.put("name", service);
    ref.put("port", port != null ? port : ModelService.PORT);
    ref.put("weight", weight);
    return ref;
  }
}
