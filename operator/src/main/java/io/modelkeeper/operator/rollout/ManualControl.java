package io.modelkeeper.operator.rollout;

import io.modelkeeper.api.v1alpha1.ManualAction;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The promote and abort annotations. The operator never edits the ModelDeployment (a GitOps tool
 * owns it and would put an edit back), so instead of removing an annotation it records in
 * status.manualActions that it has seen it: each annotation value acts once, on the canary running
 * when the operator first sees it, and is forgotten when the annotation is removed.
 */
public final class ManualControl {

  public static final String PROMOTE = "modelkeeper.io/promote";
  public static final String ABORT = "modelkeeper.io/abort";

  /** The one value of the promote annotation that promotes. */
  public static final String PROMOTE_NOW = "now";

  /** An annotation to act on now. */
  public record Request(String annotation, String value) {}

  private ManualControl() {}

  /** What was seen before, without the entries whose annotation was removed or changed. */
  public static List<ManualAction> stillPresent(ModelDeployment md, List<ManualAction> seen) {
    Map<String, String> annotations = annotations(md);
    List<ManualAction> kept = new ArrayList<>();
    for (ManualAction action : seen == null ? List.<ManualAction>of() : seen) {
      if (Objects.equals(annotations.get(action.getAnnotation()), action.getValue())) {
        kept.add(action);
      }
    }
    return kept;
  }

  /** The first annotation not acted on yet: abort before promote, so stopping wins. */
  public static Optional<Request> pending(ModelDeployment md, List<ManualAction> seen) {
    Map<String, String> annotations = annotations(md);
    for (String key : List.of(ABORT, PROMOTE)) {
      String value = annotations.get(key);
      if (value != null && seen.stream().noneMatch(a -> key.equals(a.getAnnotation()))) {
        return Optional.of(new Request(key, value));
      }
    }
    return Optional.empty();
  }

  private static Map<String, String> annotations(ModelDeployment md) {
    Map<String, String> annotations = md.getMetadata().getAnnotations();
    return annotations == null ? Map.of() : annotations;
  }
}
