package io.modelkeeper.e2e.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a real API server defaults and checks on the built-in kinds the local node runs beyond
 * Deployments: Jobs (defaults, the fields the local Job controller honours, the selector and labels
 * a Job's pods are found by) and PersistentVolumeClaims (access modes, size, the filesystem claims
 * the local node makes directories of). A field the local cluster does not simulate is refused
 * here, with a {@code Forbidden} cause that says so, rather than ignored.
 */
final class BuiltInAdmission {

  static final String CONTROLLER_UID = "batch.kubernetes.io/controller-uid";
  static final String JOB_NAME = "batch.kubernetes.io/job-name";

  private static final List<String> ACCESS_MODES =
      List.of("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod");

  /** Job fields whose behaviour the local Job controller does not have. */
  private static final Map<String, String> UNSIMULATED_JOB_FIELDS =
      Map.of(
          "podFailurePolicy", "a pod failure policy",
          "successPolicy", "a success policy",
          "backoffLimitPerIndex", "a per-index backoff limit",
          "maxFailedIndexes", "a per-index backoff limit");

  private BuiltInAdmission() {}

  /** Defaults and checks a Job, in place; {@code old} is the stored Job on updates. */
  static List<FieldError> job(ObjectNode job, JsonNode old) {
    List<FieldError> errors = new ArrayList<>();
    ObjectNode spec = job.with("spec");
    if (old == null) {
      // As Kubernetes: neither given, one pod; completions alone, one at a time.
      if (!spec.hasNonNull("parallelism")) {
        if (!spec.hasNonNull("completions")) {
          spec.put("completions", 1);
        }
        spec.put("parallelism", 1);
      }
      putIfAbsent(spec, "backoffLimit", IntNode.valueOf(6));
      putIfAbsent(spec, "completionMode", TextNode.valueOf("NonIndexed"));
      putIfAbsent(spec, "suspend", BooleanNode.FALSE);
      putIfAbsent(spec, "manualSelector", BooleanNode.FALSE);
    }
    UNSIMULATED_JOB_FIELDS.forEach(
        (field, what) -> {
          if (spec.hasNonNull(field)) {
            errors.add(
                FieldError.forbidden(
                    "spec." + field,
                    "the local cluster does not run Jobs with "
                        + what
                        + "; remove it to run here"));
          }
        });
    if (spec.path("suspend").asBoolean(false)) {
      errors.add(
          FieldError.forbidden(
              "spec.suspend", "the local cluster does not suspend Jobs; remove it to run here"));
    }
    if (spec.hasNonNull("managedBy")
        && !"kubernetes.io/job-controller".equals(spec.path("managedBy").asText())) {
      errors.add(
          FieldError.forbidden(
              "spec.managedBy",
              "the local cluster has only the built-in Job controller"
                  + " (kubernetes.io/job-controller)"));
    }
    for (String field :
        List.of("parallelism", "completions", "backoffLimit", "activeDeadlineSeconds")) {
      JsonNode value = spec.get(field);
      if (value != null && !value.isNull() && (!value.isIntegralNumber() || value.asLong() < 0)) {
        errors.add(
            FieldError.invalid("spec." + field, value, "must be greater than or equal to 0"));
      }
    }
    JsonNode ttl = spec.get("ttlSecondsAfterFinished");
    if (ttl != null && !ttl.isNull() && (!ttl.isIntegralNumber() || ttl.asLong() < 0)) {
      errors.add(
          FieldError.invalid(
              "spec.ttlSecondsAfterFinished", ttl, "must be greater than or equal to 0"));
    }
    String mode = spec.path("completionMode").asText("NonIndexed");
    if (!List.of("NonIndexed", "Indexed").contains(mode)) {
      errors.add(
          FieldError.unsupported(
              "spec.completionMode", spec.get("completionMode"), List.of("NonIndexed", "Indexed")));
    } else if (mode.equals("Indexed") && !spec.path("completions").isIntegralNumber()) {
      errors.add(FieldError.required("spec.completions", "when completion mode is Indexed"));
    }
    JsonNode podSpec = spec.path("template").path("spec");
    if (!podSpec.path("containers").isArray() || podSpec.path("containers").isEmpty()) {
      errors.add(FieldError.required("spec.template.spec.containers", ""));
    }
    String restartPolicy = podSpec.path("restartPolicy").asText("Always");
    if (!List.of("OnFailure", "Never").contains(restartPolicy)) {
      errors.add(
          FieldError.unsupported(
              "spec.template.spec.restartPolicy",
              TextNode.valueOf(restartPolicy),
              List.of("OnFailure", "Never")));
    }
    if (spec.path("manualSelector").asBoolean(false) && !spec.path("selector").isObject()) {
      errors.add(FieldError.required("spec.selector", "when manualSelector is true"));
    }
    if (old != null) {
      for (String field : List.of("template", "selector", "completionMode")) {
        JsonNode before = old.path("spec").path(field);
        JsonNode after = spec.path(field);
        if (!before.isMissingNode() && !Objects.equals(before, after)) {
          errors.add(FieldError.invalid("spec." + field, after, "field is immutable"));
        }
      }
    }
    return errors;
  }

  /**
   * The selector and pod labels a real API server gives a new Job once it has its uid: {@code
   * batch.kubernetes.io/controller-uid} (and the older {@code controller-uid}), {@code
   * batch.kubernetes.io/job-name} (and {@code job-name}). A manual selector is left alone.
   */
  static void labelJobPods(ObjectNode job) {
    String uid = job.path("metadata").path("uid").asText();
    String name = job.path("metadata").path("name").asText();
    ObjectNode spec = job.with("spec");
    if (spec.path("manualSelector").asBoolean(false)) {
      return;
    }
    spec.putObject("selector").putObject("matchLabels").put(CONTROLLER_UID, uid);
    ObjectNode labels = spec.with("template").with("metadata").with("labels");
    labels.put(CONTROLLER_UID, uid);
    labels.put("controller-uid", uid);
    labels.put(JOB_NAME, name);
    labels.put("job-name", name);
  }

  /** Defaults and checks a PersistentVolumeClaim, in place. */
  static List<FieldError> claim(ObjectNode claim, JsonNode old) {
    List<FieldError> errors = new ArrayList<>();
    ObjectNode spec = claim.with("spec");
    putIfAbsent(spec, "volumeMode", TextNode.valueOf("Filesystem"));
    JsonNode modes = spec.path("accessModes");
    if (!modes.isArray() || modes.isEmpty()) {
      errors.add(FieldError.required("spec.accessModes", "at least 1 access mode is required"));
    } else {
      for (JsonNode mode : modes) {
        if (!ACCESS_MODES.contains(mode.asText())) {
          errors.add(FieldError.unsupported("spec.accessModes", mode, ACCESS_MODES));
        }
      }
    }
    if (!spec.path("resources").path("requests").hasNonNull("storage")) {
      errors.add(FieldError.required("spec.resources[storage]", ""));
    }
    if (!"Filesystem".equals(spec.path("volumeMode").asText())) {
      errors.add(
          FieldError.forbidden(
              "spec.volumeMode",
              "the local cluster makes directories of claims: only Filesystem claims"));
    }
    for (String field : List.of("dataSource", "dataSourceRef")) {
      if (spec.hasNonNull(field)) {
        errors.add(
            FieldError.forbidden(
                "spec." + field,
                "the local cluster does not populate claims from a data source; its claims start"
                    + " empty"));
      }
    }
    if (old != null) {
      ObjectNode before = ((ObjectNode) old.path("spec")).deepCopy();
      ObjectNode after = spec.deepCopy();
      for (ObjectNode side : List.of(before, after)) {
        side.remove("resources");
        side.remove("volumeName");
        side.remove("volumeAttributesClassName");
      }
      if (!before.equals(after)) {
        errors.add(
            FieldError.forbidden(
                "spec",
                "spec is immutable after creation except resources.requests and"
                    + " volumeAttributesClassName for bound claims"));
      }
    }
    return errors;
  }

  private static void putIfAbsent(ObjectNode object, String field, JsonNode value) {
    if (!object.hasNonNull(field)) {
      object.set(field, value);
    }
  }
}
