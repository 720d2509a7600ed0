package io.modelkeeper.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** One pod as kubectl get pods shows it: its status word, readiness and restarts. */
record PodLine(String name, String symbol, String status, String info) {

  static PodLine of(JsonNode pod) {
    JsonNode status = pod.path("status");
    int ready = 0;
    int containers = 0;
    int restarts = 0;
    String waiting = null;
    for (JsonNode c : status.path("initContainerStatuses")) {
      String reason = c.path("state").path("waiting").path("reason").asText(null);
      String terminated = c.path("state").path("terminated").path("reason").asText(null);
      if (reason != null) {
        waiting = "Init:" + reason;
      } else if (terminated != null && !terminated.equals("Completed")) {
        waiting = "Init:" + terminated;
      }
    }
    for (JsonNode c : status.path("containerStatuses")) {
      containers++;
      ready += c.path("ready").asBoolean(false) ? 1 : 0;
      restarts += c.path("restartCount").asInt(0);
      String reason = c.path("state").path("waiting").path("reason").asText(null);
      if (reason != null && waiting == null) {
        waiting = reason;
      }
    }
    if (containers == 0) {
      containers = Math.max(1, pod.path("spec").path("containers").size());
    }
    String phase = status.path("phase").asText("Pending");
    String word;
    String symbol;
    if (pod.path("metadata").has("deletionTimestamp")) {
      word = "Terminating";
      symbol = Style.NO_DATA;
    } else if (waiting != null) {
      word = waiting;
      boolean broken =
          waiting.contains("Error") || waiting.contains("BackOff") || waiting.contains("Err");
      symbol = broken ? Style.FAILED : Style.PROGRESSING;
    } else if (phase.equals("Running") && ready == containers) {
      word = "Running";
      symbol = Style.OK;
    } else {
      word = phase;
      symbol = phase.equals("Failed") ? Style.FAILED : Style.PROGRESSING;
    }
    String info =
        "ready:" + ready + "/" + containers + (restarts > 0 ? ", restarts:" + restarts : "");
    return new PodLine(pod.path("metadata").path("name").asText(), symbol, word, info);
  }
}
