package io.modelkeeper.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code get md NAME}: a summary, the canary's last analysis gate by gate, quality and drift, the
 * latest retraining run, then a tree of the versions and their pods, like {@code kubectl argo
 * rollouts get rollout}. Pure: a snapshot in, text out.
 */
final class TreeView {

  private final Style style;
  private final String today;

  /**
   * @param today the date (yyyy-mm-dd, UTC) whose times are shown without it
   */
  TreeView(Style style, String today) {
    this.style = style;
    this.today = today;
  }

  String render(ModelSnapshot snapshot) {
    JsonNode md = snapshot.model();
    JsonNode spec = md.path("spec");
    JsonNode status = md.path("status");
    JsonNode canary = status.path("canary");
    boolean paused = canary.path("paused").asBoolean(false);
    List<String> out = new ArrayList<>();
    String phase = status.path("phase").asText("Pending");

    field(out, "Name", md.path("metadata").path("name").asText());
    field(out, "Namespace", md.path("metadata").path("namespace").asText());
    field(out, "Status", style.status(Style.ofPhase(phase, paused), paused ? "Paused" : phase));
    String problem = degradedMessage(status);
    if (problem != null) {
      field(out, "Message", style.yellow(problem));
    }
    if (status.has("lastDecision")) {
      field(out, "Decision", status.path("lastDecision").asText());
    }
    field(out, "Stable", arm(status.path("stable")));
    if (!canary.isMissingNode()) {
      field(out, "Canary", arm(canary));
      field(
          out,
          "  Step",
          canary.path("stepDisplay").asText(Figures.NONE)
              + (paused ? "  " + style.grey(Style.PAUSED + " paused") : ""));
      field(out, "  SetWeight", canary.path("requestedWeight").asText(Figures.NONE));
      field(
          out,
          "  ActualWeight",
          canary.path("weight").asText(Figures.NONE)
              + (canary.has("weightNote")
                  ? style.grey("  (" + canary.path("weightNote").asText() + ")")
                  : ""));
      analysis(out, spec, canary);
    }
    quality(out, spec, status);
    retraining(out, snapshot);
    out.add("");
    tree(out, snapshot, status, phase, paused);
    return String.join("\n", out) + "\n";
  }

  private void analysis(List<String> out, JsonNode spec, JsonNode canary) {
    JsonNode analysis = canary.path("analysis");
    int limit = spec.path("rollout").path("analysis").path("failureLimit").asInt(2);
    out.add("");
    field(
        out,
        "Analysis",
        style.bold(analysis.path("decision").asText(Figures.NONE))
            + (analysis.has("checkedAt")
                ? " at " + Figures.time(analysis.path("checkedAt").asText(), today)
                : " (no check yet)")
            + ", failed checks "
            + analysis.path("failedChecks").asInt(0)
            + " of "
            + limit);
    out.add("  " + analysis.path("reason").asText(""));
    List<GateTable.Gate> gates = GateTable.of(spec, canary);
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("GATE", "STABLE", "CANARY", "LIMIT", "VERDICT"));
    for (GateTable.Gate gate : gates) {
      rows.add(
          List.of(
              gate.name(), gate.stable(), gate.canary(), gate.limit(), verdict(gate.verdict())));
    }
    table(out, rows, "  ");
  }

  private String verdict(String symbol) {
    return switch (symbol) {
      case Style.OK -> style.status(symbol, "pass");
      case Style.FAILED -> style.status(symbol, "fail");
      case Style.PROGRESSING -> style.status(symbol, "waiting");
      default -> style.grey(symbol + " no figures yet");
    };
  }

  private void quality(List<String> out, JsonNode spec, JsonNode status) {
    JsonNode metrics = status.path("metrics");
    if (metrics.isMissingNode()) {
      return;
    }
    List<String> parts = new ArrayList<>();
    for (String name : List.of("accuracy", "f1", "auc", "logLoss", "mae", "rmse", "r2")) {
      if (Figures.number(metrics.path(name))) {
        parts.add(name + " " + Figures.decimals(metrics.path(name)));
      }
    }
    if (metrics.has("labelled")) {
      parts.add(metrics.path("labelled").asLong() + " labelled");
    }
    if (Figures.number(metrics.path("drift"))) {
      parts.add("drift " + Figures.decimals(metrics.path("drift")));
    }
    if (Figures.number(metrics.path("errorRate"))) {
      parts.add("errors " + Figures.percent(metrics.path("errorRate")));
    }
    if (Figures.number(metrics.path("latencyP99Seconds"))) {
      parts.add("p99 " + Figures.millis(metrics.path("latencyP99Seconds")));
    }
    out.add("");
    field(out, "Quality", parts.isEmpty() ? Figures.NONE : String.join("  ", parts));
    List<String> features = new ArrayList<>();
    metrics
        .path("topFeatures")
        .forEach(
            f ->
                features.add(
                    f.path("feature").asText() + " " + Figures.significant(f.path("importance"))));
    if (!features.isEmpty()) {
      field(out, "  Importance", String.join("  ", features));
    }
    drift(out, spec, status);
    if (metrics.has("observedAt")) {
      field(out, "  Observed", Figures.time(metrics.path("observedAt").asText(), today));
    }
  }

  /**
   * The most drifted features of the serving version and of the canary, a PSI above
   * spec.monitoring.slo.maxDrift marked with the warning symbol.
   */
  private void drift(List<String> out, JsonNode spec, JsonNode status) {
    JsonNode maxDrift = spec.path("monitoring").path("slo").path("maxDrift");
    String serving = driftedFeatures(status.path("metrics"), maxDrift);
    if (serving != null) {
      field(out, "  Drift", serving);
    }
    String canary =
        driftedFeatures(status.path("canary").path("analysis").path("canary"), maxDrift);
    if (canary != null) {
      field(out, "  Canary drift", canary);
    }
  }

  private String driftedFeatures(JsonNode metrics, JsonNode maxDrift) {
    List<String> features = new ArrayList<>();
    boolean anyAbove = false;
    for (JsonNode f : metrics.path("driftedFeatures")) {
      String text = f.path("feature").asText() + " " + Figures.decimals(f.path("psi"));
      boolean above =
          Figures.number(maxDrift)
              && Figures.number(f.path("psi"))
              && f.path("psi").asDouble() > maxDrift.asDouble();
      anyAbove |= above;
      features.add(above ? style.yellow(text + " " + Style.WARNING) : text);
    }
    if (features.isEmpty()) {
      return null;
    }
    return String.join("  ", features)
        + (anyAbove
            ? style.grey("  (" + Style.WARNING + " above maxDrift " + maxDrift.asText() + ")")
            : "");
  }

  private void retraining(List<String> out, ModelSnapshot snapshot) {
    if (snapshot.retrainings().isEmpty()) {
      return;
    }
    out.add("");
    if (snapshot.runs().isEmpty()) {
      field(out, "Retraining", "no run yet (" + names(snapshot.retrainings()) + ")");
      return;
    }
    JsonNode run = snapshot.runs().get(0);
    JsonNode status = run.path("status");
    String phase = status.path("phase").asText("Pending");
    field(
        out,
        "Retraining",
        run.path("metadata").path("name").asText()
            + "  "
            + style.status(Style.ofRunPhase(phase), phase)
            + "  trigger "
            + run.path("spec").path("trigger").asText("Manual")
            + (status.has("version") ? "  version " + status.path("version").asText() : ""));
    if (status.has("trialProgress")) {
      field(out, "  Trials", status.path("trialProgress").asText());
    }
    if (status.has("blessing")) {
      field(out, "  Blessing", HistoryView.blessing(status.path("blessing"), style));
    }
    if (status.has("message")) {
      field(out, "  Message", status.path("message").asText());
    }
  }

  private void tree(
      List<String> out, ModelSnapshot snapshot, JsonNode status, String phase, boolean paused) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("NAME", "KIND", "STATUS", "INFO"));
    JsonNode md = snapshot.model();
    rows.add(
        List.of(
            "⟳ " + md.path("metadata").path("name").asText(),
            "ModelDeployment",
            style.status(Style.ofPhase(phase, paused), paused ? "Paused" : phase),
            ""));
    List<String> labels = new ArrayList<>();
    List<JsonNode> arms = new ArrayList<>();
    if (status.has("stable")) {
      labels.add("stable");
      arms.add(status.path("stable"));
    }
    if (status.has("canary")) {
      labels.add("canary");
      arms.add(status.path("canary"));
    }
    for (int a = 0; a < arms.size(); a++) {
      JsonNode arm = arms.get(a);
      boolean lastArm = a == arms.size() - 1;
      String info =
          labels.get(a).equals("canary")
              ? "step "
                  + arm.path("stepDisplay").asText(Figures.NONE)
                  + ", weight "
                  + arm.path("weight").asText("0")
                  + "%"
              : "";
      rows.add(
          List.of(
              (lastArm ? "└──" : "├──")
                  + "# revision "
                  + arm.path("revision").asText("?")
                  + " (version "
                  + arm.path("version").asText()
                  + ")",
              labels.get(a),
              readyWord(arm),
              info));
      List<JsonNode> pods = snapshot.podsOf(arm.path("revision").asText());
      for (int p = 0; p < pods.size(); p++) {
        String branch = (lastArm ? "   " : "│  ") + (p == pods.size() - 1 ? "└──" : "├──");
        PodLine pod = PodLine.of(pods.get(p));
        rows.add(
            List.of(
                branch + "□ " + pod.name(),
                "Pod",
                style.status(pod.symbol(), pod.status()),
                pod.info()));
      }
    }
    table(out, rows, "");
  }

  private String readyWord(JsonNode arm) {
    int ready = arm.path("readyReplicas").asInt(0);
    int wanted = arm.path("replicas").asInt(0);
    String text = ready + "/" + wanted + " ready";
    return ready >= wanted && wanted > 0
        ? style.status(Style.OK, text)
        : style.status(Style.PROGRESSING, text);
  }

  private static String arm(JsonNode arm) {
    if (arm.isMissingNode()) {
      return Figures.NONE;
    }
    return "version "
        + arm.path("version").asText()
        + " (revision "
        + arm.path("revision").asText("?")
        + (arm.has("run") ? ", run " + arm.path("run").asText() : "")
        + "), "
        + arm.path("readyReplicas").asInt(0)
        + "/"
        + arm.path("replicas").asInt(0)
        + " pods ready";
  }

  private static String degradedMessage(JsonNode status) {
    for (JsonNode condition : status.path("conditions")) {
      if (condition.path("type").asText().equals("Degraded")
          && condition.path("status").asText().equals("True")) {
        return condition.path("reason").asText() + ": " + condition.path("message").asText();
      }
    }
    return null;
  }

  private static String names(List<JsonNode> objects) {
    List<String> names = new ArrayList<>();
    objects.forEach(o -> names.add("modelretraining/" + o.path("metadata").path("name").asText()));
    return String.join(", ", names);
  }

  private static void field(List<String> out, String name, String value) {
    out.add(Style.pad(name + ":", 16) + value);
  }

  /** Rows in columns as wide as their widest cell, two spaces apart. */
  static void table(List<String> out, List<List<String>> rows, String indent) {
    int columns = rows.get(0).size();
    int[] widths = new int[columns];
    for (List<String> row : rows) {
      for (int c = 0; c < columns; c++) {
        widths[c] = Math.max(widths[c], Style.width(row.get(c)));
      }
    }
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder(indent);
      for (int c = 0; c < columns; c++) {
        line.append(c == columns - 1 ? row.get(c) : Style.pad(row.get(c), widths[c] + 2));
      }
      out.add(line.toString().stripTrailing());
    }
  }
}
