package io.modelkeeper.e2e.api;

import io.fabric8.mockwebserver.http.MockResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Answers {@code kubectl logs} from the container log files the local node writes for each pod. */
final class PodLogs {

  private final Path root;

  /**
   * {@code root} holds {@code <namespace>_<pod>/<container>.log}; null when no node writes logs.
   */
  PodLogs(Path root) {
    this.root = root;
  }

  MockResponse read(KubectlDispatcher.ResourcePath pod, Map<String, String> query) {
    String container = query.getOrDefault("container", "model-server");
    Path file =
        root == null
            ? null
            : root.resolve(pod.namespace() + "_" + pod.name()).resolve(container + ".log");
    if (file == null || !Files.isRegularFile(file)) {
      return KubectlDispatcher.status(
          400,
          "BadRequest",
          "container \""
              + container
              + "\" in pod \""
              + pod.name()
              + "\" has no log yet (its containers are model-server and fetch-model: choose one with -c)");
    }
    try {
      List<String> lines = Files.readAllLines(file);
      int tail = Integer.parseInt(query.getOrDefault("tailLines", "-1"));
      if (tail >= 0 && tail < lines.size()) {
        lines = lines.subList(lines.size() - tail, lines.size());
      }
      return new MockResponse()
          .setResponseCode(200)
          .setHeader("Content-Type", "text/plain")
          .setBody(lines.isEmpty() ? "" : String.join("\n", lines) + "\n");
    } catch (IOException | NumberFormatException e) {
      return KubectlDispatcher.status(
          400, "BadRequest", "cannot read the log of " + pod.name() + ": " + e.getMessage());
    }
  }
}
