package io.modelkeeper.e2e.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the {@code meta.k8s.io/v1} Table that {@code kubectl get} asks the server for: the printer
 * columns of a CRD, the usual columns of pods, deployments and services, NAME and AGE otherwise.
 */
final class ServerSideTable {

  private record Column(String name, String type, int priority, Function<JsonNode, Object> cell) {}

  private ServerSideTable() {}

  static Map<String, Object> of(
      JsonNode body, KubectlDispatcher.ResourcePath path, List<CustomResourceDefinition> crds) {
    List<Column> columns = columns(path, crds);
    List<Map<String, Object>> definitions = new ArrayList<>();
    for (Column column : columns) {
      definitions.add(
          Map.of(
              "name",
              column.name(),
              "type",
              column.type(),
              "format",
              column.name().equals("Name") ? "name" : "",
              "description",
              "",
              "priority",
              column.priority()));
    }
    List<JsonNode> objects = new ArrayList<>();
    if (body.has("items")) {
      body.get("items").forEach(objects::add);
    } else {
      objects.add(body);
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (JsonNode object : objects) {
      List<Object> cells = new ArrayList<>();
      for (Column column : columns) {
        cells.add(column.cell().apply(object));
      }
      rows.add(Map.of("cells", cells, "object", object));
    }
    Map<String, Object> table = new LinkedHashMap<>();
    table.put("kind", "Table");
    table.put("apiVersion", "meta.k8s.io/v1");
    table.put(
        "metadata",
        Map.of("resourceVersion", body.path("metadata").path("resourceVersion").asText("")));
    table.put("columnDefinitions", definitions);
    table.put("rows", rows);
    return table;
  }

  private static List<Column> columns(
      KubectlDispatcher.ResourcePath path, List<CustomResourceDefinition> crds) {
    List<Column> columns = new ArrayList<>();
    columns.add(new Column("Name", "string", 0, o -> o.path("metadata").path("name").asText()));
    switch (path.group() + "/" + path.plural()) {
      case "/pods" -> {
        columns.add(new Column("Ready", "string", 0, ServerSideTable::podReady));
        columns.add(new Column("Status", "string", 0, ServerSideTable::podStatus));
        columns.add(new Column("Restarts", "integer", 0, ServerSideTable::podRestarts));
        columns.add(age());
        columns.add(
            new Column("IP", "string", 1, o -> o.path("status").path("podIP").asText("<none>")));
      }
      case "apps/deployments" -> {
        columns.add(
            new Column(
                "Ready",
                "string",
                0,
                o ->
                    o.path("status").path("readyReplicas").asInt()
                        + "/"
                        + o.path("spec").path("replicas").asInt(1)));
        columns.add(
            new Column(
                "Up-to-date", "integer", 0, o -> o.path("status").path("updatedReplicas").asInt()));
        columns.add(
            new Column(
                "Available",
                "integer",
                0,
                o -> o.path("status").path("availableReplicas").asInt()));
        columns.add(age());
      }
      case "batch/jobs" -> {
        columns.add(new Column("Status", "string", 0, ServerSideTable::jobStatus));
        columns.add(new Column("Completions", "string", 0, ServerSideTable::jobCompletions));
        columns.add(new Column("Duration", "string", 0, ServerSideTable::jobDuration));
        columns.add(age());
        columns.add(
            new Column(
                "Containers",
                "string",
                1,
                o ->
                    joined(
                        o.path("spec").path("template").path("spec").path("containers"), "name")));
        columns.add(
            new Column(
                "Images",
                "string",
                1,
                o ->
                    joined(
                        o.path("spec").path("template").path("spec").path("containers"), "image")));
        columns.add(new Column("Selector", "string", 1, ServerSideTable::jobSelector));
      }
      case "/persistentvolumeclaims" -> {
        columns.add(
            new Column(
                "Status",
                "string",
                0,
                o ->
                    o.path("metadata").has("deletionTimestamp")
                        ? "Terminating"
                        : o.path("status").path("phase").asText("Pending")));
        columns.add(
            new Column("Volume", "string", 0, o -> o.path("spec").path("volumeName").asText("")));
        columns.add(
            new Column(
                "Capacity",
                "string",
                0,
                o -> o.path("status").path("capacity").path("storage").asText("")));
        columns.add(new Column("Access Modes", "string", 0, ServerSideTable::accessModes));
        columns.add(
            new Column(
                "StorageClass",
                "string",
                0,
                o -> o.path("spec").path("storageClassName").asText("<unset>")));
        columns.add(
            new Column(
                "VolumeAttributesClass",
                "string",
                0,
                o -> o.path("spec").path("volumeAttributesClassName").asText("<unset>")));
        columns.add(age());
        columns.add(
            new Column(
                "VolumeMode",
                "string",
                1,
                o -> o.path("spec").path("volumeMode").asText("Filesystem")));
      }
      case "/services" -> {
        columns.add(
            new Column("Type", "string", 0, o -> o.path("spec").path("type").asText("ClusterIP")));
        columns.add(
            new Column(
                "Cluster-IP", "string", 0, o -> o.path("spec").path("clusterIP").asText("<none>")));
        columns.add(new Column("Port(s)", "string", 0, ServerSideTable::servicePorts));
        columns.add(age());
      }
      case "/events", "events.k8s.io/events" -> {
        columns.clear();
        columns.add(
            new Column(
                "Last Seen",
                "string",
                0,
                o ->
                    humanAge(
                        o.path("lastTimestamp")
                            .asText(o.path("metadata").path("creationTimestamp").asText("")))));
        columns.add(new Column("Type", "string", 0, o -> o.path("type").asText()));
        columns.add(new Column("Reason", "string", 0, o -> o.path("reason").asText()));
        columns.add(
            new Column(
                "Object",
                "string",
                0,
                o ->
                    o.path("involvedObject").path("kind").asText().toLowerCase()
                        + "/"
                        + o.path("involvedObject").path("name").asText()));
        columns.add(new Column("Message", "string", 0, o -> o.path("message").asText()));
      }
      default -> columns.addAll(customColumns(path, crds));
    }
    return columns;
  }

  private static List<Column> customColumns(
      KubectlDispatcher.ResourcePath path, List<CustomResourceDefinition> crds) {
    for (CustomResourceDefinition crd : crds) {
      if (!crd.getSpec().getGroup().equals(path.group())
          || !crd.getSpec().getNames().getPlural().equals(path.plural())) {
        continue;
      }
      for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
        if (version.getName().equals(path.version())
            && version.getAdditionalPrinterColumns() != null
            && !version.getAdditionalPrinterColumns().isEmpty()) {
          List<Column> columns = new ArrayList<>();
          for (CustomResourceColumnDefinition def : version.getAdditionalPrinterColumns()) {
            int priority = def.getPriority() == null ? 0 : def.getPriority();
            String jsonPath = def.getJsonPath();
            if ("date".equals(def.getType())) {
              columns.add(
                  new Column(
                      def.getName(),
                      "string",
                      priority,
                      o ->
                          humanAge(
                              JsonPathLite.read(o, jsonPath).map(JsonNode::asText).orElse(""))));
            } else {
              columns.add(
                  new Column(
                      def.getName(),
                      def.getType(),
                      priority,
                      o -> JsonPathLite.read(o, jsonPath).map(ServerSideTable::scalar).orElse("")));
            }
          }
          return columns;
        }
      }
    }
    return List.of(age());
  }

  private static Column age() {
    return new Column(
        "Age", "string", 0, o -> humanAge(o.path("metadata").path("creationTimestamp").asText("")));
  }

  private static Object scalar(JsonNode node) {
    if (node.isNumber()) {
      return node.numberValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    return node.isValueNode() ? node.asText() : node.toString();
  }

  static String humanAge(String timestamp) {
    if (timestamp.isEmpty()) {
      return "<unknown>";
    }
    Duration age;
    try {
      age = Duration.between(Instant.parse(timestamp), Instant.now());
    } catch (RuntimeException e) {
      return "<unknown>";
    }
    long seconds = Math.max(0, age.getSeconds());
    if (seconds < 120) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return (seconds / 60) + "m";
    }
    if (seconds < 48 * 3600) {
      return (seconds / 3600) + "h";
    }
    return (seconds / 86400) + "d";
  }

  private static String podReady(JsonNode pod) {
    int total = pod.path("spec").path("containers").size();
    int ready = 0;
    for (JsonNode status : pod.path("status").path("containerStatuses")) {
      if (status.path("ready").asBoolean()) {
        ready++;
      }
    }
    return ready + "/" + total;
  }

  private static int podRestarts(JsonNode pod) {
    int restarts = 0;
    for (JsonNode status : pod.path("status").path("containerStatuses")) {
      restarts += status.path("restartCount").asInt();
    }
    return restarts;
  }

  /**
   * The STATUS column as kubectl shows it: Init:Error, CrashLoopBackOff, ImagePullBackOff, Running.
   */
  private static String podStatus(JsonNode pod) {
    JsonNode status = pod.path("status");
    if (pod.path("metadata").has("deletionTimestamp")) {
      return "Terminating";
    }
    if (!status.path("reason").asText("").isEmpty()) {
      return status.path("reason").asText();
    }
    for (JsonNode init : status.path("initContainerStatuses")) {
      JsonNode state = init.path("state");
      if (state.has("terminated") && state.get("terminated").path("exitCode").asInt() != 0) {
        return "Init:" + state.get("terminated").path("reason").asText("Error");
      }
      if (state.has("waiting")) {
        return "Init:" + state.get("waiting").path("reason").asText("Waiting");
      }
      if (state.has("running")) {
        return "Init:0/" + pod.path("spec").path("initContainers").size();
      }
    }
    for (JsonNode container : status.path("containerStatuses")) {
      JsonNode state = container.path("state");
      if (state.has("waiting")) {
        return state.get("waiting").path("reason").asText("Waiting");
      }
      if (state.has("terminated")) {
        return state.get("terminated").path("reason").asText("Terminated");
      }
    }
    return status.path("phase").asText("Pending");
  }

  /** The STATUS column of {@code kubectl get jobs}: the last condition that holds, else Running. */
  private static String jobStatus(JsonNode job) {
    if (job.path("metadata").has("deletionTimestamp")) {
      return "Terminating";
    }
    String status = job.path("spec").path("suspend").asBoolean(false) ? "Suspended" : "Running";
    for (String type : List.of("FailureTarget", "SuccessCriteriaMet", "Failed", "Complete")) {
      for (JsonNode condition : job.path("status").path("conditions")) {
        if (condition.path("type").asText().equals(type)
            && condition.path("status").asText().equals("True")) {
          status = type;
        }
      }
    }
    return status;
  }

  private static String jobCompletions(JsonNode job) {
    int succeeded = job.path("status").path("succeeded").asInt();
    JsonNode completions = job.path("spec").path("completions");
    if (completions.isIntegralNumber()) {
      return succeeded + "/" + completions.asInt();
    }
    int parallelism = job.path("spec").path("parallelism").asInt(1);
    return parallelism > 1 ? succeeded + "/1 of " + parallelism : succeeded + "/1";
  }

  private static String jobDuration(JsonNode job) {
    String start = job.path("status").path("startTime").asText("");
    if (start.isEmpty()) {
      return "";
    }
    try {
      String end = job.path("status").path("completionTime").asText("");
      Duration duration =
          Duration.between(
              Instant.parse(start), end.isEmpty() ? Instant.now() : Instant.parse(end));
      long seconds = Math.max(0, duration.getSeconds());
      return seconds < 120
          ? seconds + "s"
          : seconds < 3600 ? (seconds / 60) + "m" : humanAge(start);
    } catch (RuntimeException e) {
      return "";
    }
  }

  private static String jobSelector(JsonNode job) {
    List<String> terms = new ArrayList<>();
    job.path("spec")
        .path("selector")
        .path("matchLabels")
        .fields()
        .forEachRemaining(e -> terms.add(e.getKey() + "=" + e.getValue().asText()));
    return terms.isEmpty() ? "<none>" : String.join(",", terms);
  }

  private static String joined(JsonNode items, String field) {
    List<String> values = new ArrayList<>();
    items.forEach(item -> values.add(item.path(field).asText()));
    return String.join(",", values);
  }

  private static String accessModes(JsonNode claim) {
    JsonNode modes = claim.path("status").path("accessModes");
    List<String> shown = new ArrayList<>();
    for (JsonNode mode : modes.isArray() ? modes : claim.path("spec").path("accessModes")) {
      shown.add(
          switch (mode.asText()) {
            case "ReadWriteOnce" -> "RWO";
            case "ReadOnlyMany" -> "ROX";
            case "ReadWriteMany" -> "RWX";
            case "ReadWriteOncePod" -> "RWOP";
            default -> mode.asText();
          });
    }
    return String.join(",", shown);
  }

  private static String servicePorts(JsonNode service) {
    List<String> ports = new ArrayList<>();
    for (JsonNode port : service.path("spec").path("ports")) {
      ports.add(port.path("port").asText() + "/" + port.path("protocol").asText("TCP"));
    }
    return ports.isEmpty() ? "<none>" : String.join(",", ports);
  }

  /**
   * The subset of kubectl JSONPath that printer columns use: fields, [n], [*] and
   * [?(@.key=="value")].
   */
  static final class JsonPathLite {
    private static final Pattern SEGMENT = Pattern.compile("([^.\\[]+)?(\\[[^\\]]*\\])?");
    private static final Pattern FILTER =
        Pattern.compile("\\[\\?\\(@\\.([\\w.-]+)\\s*==\\s*[\"']([^\"']*)[\"']\\)\\]");

    private JsonPathLite() {}

    static java.util.Optional<JsonNode> read(JsonNode root, String path) {
      List<JsonNode> current = List.of(root);
      String rest =
          path.trim().replaceFirst("^\\{", "").replaceFirst("\\}$", "").replaceFirst("^\\$", "");
      for (String segment : splitSegments(rest)) {
        Matcher m = SEGMENT.matcher(segment);
        if (!m.matches()) {
          return java.util.Optional.empty();
        }
        List<JsonNode> next = new ArrayList<>();
        for (JsonNode node : current) {
          JsonNode field = m.group(1) == null ? node : node.path(m.group(1));
          String index = m.group(2);
          if (index == null) {
            next.add(field);
          } else if (index.equals("[*]")) {
            field.forEach(next::add);
          } else {
            Matcher filter = FILTER.matcher(index);
            if (filter.matches()) {
              for (JsonNode element : field) {
                if (element.path(filter.group(1)).asText().equals(filter.group(2))) {
                  next.add(element);
                }
              }
            } else {
              next.add(field.path(Integer.parseInt(index.substring(1, index.length() - 1))));
            }
          }
        }
        current = next;
      }
      return current.stream().filter(n -> !n.isMissingNode() && !n.isNull()).findFirst();
    }

    private static List<String> splitSegments(String path) {
      List<String> segments = new ArrayList<>();
      StringBuilder segment = new StringBuilder();
      int depth = 0;
      for (char c : path.toCharArray()) {
        if (c == '[') {
          depth++;
        } else if (c == ']') {
          depth--;
        }
        if (c == '.' && depth == 0) {
          if (segment.length() > 0) {
            segments.add(segment.toString());
          }
          segment.setLength(0);
        } else {
          segment.append(c);
        }
      }
      if (segment.length() > 0) {
        segments.add(segment.toString());
      }
      return segments;
    }
  }
}
