package io.modelkeeper.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code history NAME}: the rollouts of status.history, newest first, with outcome and reason; then
 * the retraining runs with their blessing figures. Pure: a snapshot in, text out.
 */
final class HistoryView {

  private final Style style;

  HistoryView(Style style) {
    this.style = style;
  }

  String render(ModelSnapshot snapshot) {
    List<String> out = new ArrayList<>();
    JsonNode history = snapshot.model().path("status").path("history");
    if (history.isEmpty()) {
      out.add("No rollout has ended yet.");
    } else {
      List<List<String>> rows = new ArrayList<>();
      rows.add(List.of("VERSION", "REVISION", "RESULT", "AT", "REASON"));
      for (int i = history.size() - 1; i >= 0; i--) {
        JsonNode entry = history.get(i);
        String result = entry.path("result").asText();
        rows.add(
            List.of(
                entry.path("version").asText(),
                entry.path("revision").asText(Figures.NONE),
                style.status(result.equals("Promoted") ? Style.OK : Style.FAILED, result),
                entry.path("at").asText(Figures.NONE),
                entry.path("reason").asText("")));
      }
      TreeView.table(out, rows, "");
    }
    if (!snapshot.retrainings().isEmpty()) {
      out.add("");
      if (snapshot.runs().isEmpty()) {
        out.add("No retraining run yet.");
      } else {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("RUN", "PHASE", "TRIGGER", "VERSION", "STARTED", "BLESSING"));
        for (JsonNode run : snapshot.runs()) {
          JsonNode status = run.path("status");
          String phase = status.path("phase").asText("Pending");
          rows.add(
              List.of(
                  run.path("metadata").path("name").asText(),
                  style.status(Style.ofRunPhase(phase), phase),
                  run.path("spec").path("trigger").asText("Manual"),
                  status.path("version").asText(Figures.NONE),
                  status.path("startTime").asText(Figures.NONE),
                  status.has("blessing")
                      ? blessing(status.path("blessing"), style)
                      : status.path("message").asText(Figures.NONE)));
        }
        TreeView.table(out, rows, "");
      }
    }
    return String.join("\n", out) + "\n";
  }

  /** "accuracy 0.934 vs serving 0.912 (+0.022) ✔ blessed", or the reason it was not. */
  static String blessing(JsonNode blessing, Style style) {
    boolean passed = blessing.path("passed").asBoolean(false);
    String figures =
        blessing.path("metric").asText("metric")
            + " "
            + Figures.decimals(blessing.path("candidate"))
            + " vs serving "
            + Figures.decimals(blessing.path("serving"))
            + " ("
            + Figures.signed(blessing.path("delta"))
            + ") ";
    return figures
        + (passed
            ? style.status(Style.OK, "blessed")
            : style.status(Style.FAILED, "not blessed")
                + (blessing.has("reason") ? ": " + blessing.path("reason").asText() : ""));
  }

  /** -o json: the history entries and the runs, as status has them. */
  static JsonNode json(ModelSnapshot snapshot) {
    ObjectNode json = Kubectl.JSON.createObjectNode();
    json.set("history", snapshot.model().path("status").path("history"));
    json.set("runs", Kubectl.JSON.valueToTree(snapshot.runs()));
    return json;
  }
}
