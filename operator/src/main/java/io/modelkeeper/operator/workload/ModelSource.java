package io.modelkeeper.operator.workload;

/**
 * Where a pod finds its model: fetched into the model volume by the init container (http, https,
 * file), or read in place from a PersistentVolumeClaim mounted read-only (pvc://claim/path).
 */
public record ModelSource(String claim, String pathInClaim) {

  private static final String PVC = "pvc://";

  /** Reads a spec.model.uri. */
  public static ModelSource of(String uri) {
    if (uri.startsWith(PVC)) {
      String rest = uri.substring(PVC.length());
      int slash = rest.indexOf('/');
      if (slash <= 0 || slash == rest.length() - 1) {
        throw new IllegalArgumentException(
            "spec.model.uri '" + Redaction.uri(uri) + "' must be pvc://<claim>/<path>");
      }
      return new ModelSource(rest.substring(0, slash), rest.substring(slash + 1));
    }
    return new ModelSource(null, null);
  }

  /** True when an init container must download the model into the emptyDir. */
  public boolean needsFetch() {
    return claim == null;
  }

  /** The model file as the model server sees it inside the pod. */
  public String fileUriInPod() {
    return needsFetch()
        ? "file://" + ModelServerDeployment.MODEL_DIR + "/model.onnx"
        : "file://" + ModelServerDeployment.MODEL_DIR + "/" + pathInClaim;
  }
}
