package io.modelkeeper.e2e.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.MockResponse;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Answers {@code kubectl logs} from the container log files the local node writes for each pod, and
 * follows them ({@code -f}) as they grow until the container stops or the client hangs up.
 */
final class PodLogs {

  /** How often a followed log is read again. */
  private static final long FOLLOW_POLL_MILLIS = 250;

  private final Path root;
  private final KubernetesCrudDispatcher store;

  /**
   * {@code root} holds {@code <namespace>_<pod>/<container>.log}; null when no node writes logs.
   */
  PodLogs(Path root, KubernetesCrudDispatcher store) {
    this.root = root;
    this.store = store;
  }

  /** The log file asked for, or the Status a real server answers when it cannot be read. */
  private record Target(Path file, String container, String podPath, MockResponse refusal) {}

  private Target target(
      KubectlDispatcher.ResourcePath pod, String podPath, Map<String, String> query) {
    MockResponse found = store.handleGet(podPath);
    if (found.code() != 200) {
      return refused(
          KubectlDispatcher.status(404, "NotFound", "pods \"" + pod.name() + "\" not found"));
    }
    for (String unsupported : List.of("previous", "timestamps", "sinceSeconds", "sinceTime")) {
      if (query.containsKey(unsupported) && !"false".equals(query.get(unsupported))) {
        return refused(
            KubectlDispatcher.status(
                400,
                "BadRequest",
                "the local cluster does not support "
                    + unsupported
                    + " on pod logs: a container's log is one file across restarts, without"
                    + " timestamps"));
      }
    }
    JsonNode podJson = Serialization.unmarshal(found.getBody().readUtf8(), JsonNode.class);
    List<String> containers = new ArrayList<>();
    podJson
        .path("spec")
        .path("initContainers")
        .forEach(c -> containers.add(c.path("name").asText()));
    List<String> main = new ArrayList<>();
    podJson.path("spec").path("containers").forEach(c -> main.add(c.path("name").asText()));
    containers.addAll(main);
    String container = query.get("container");
    if (container == null || container.isEmpty()) {
      if (main.size() != 1) {
        return refused(
            KubectlDispatcher.status(
                400,
                "BadRequest",
                "a container name must be specified for pod "
                    + pod.name()
                    + ", choose one of: "
                    + main));
      }
      container = main.get(0);
    }
    if (!containers.contains(container)) {
      return refused(
          KubectlDispatcher.status(
              400,
              "BadRequest",
              "container "
                  + container
                  + " is not valid for pod "
                  + pod.name()
                  + ": choose one of "
                  + containers));
    }
    Path file =
        root == null
            ? null
            : root.resolve(pod.namespace() + "_" + pod.name()).resolve(container + ".log");
    if (file == null || !Files.isRegularFile(file)) {
      return refused(
          KubectlDispatcher.status(
              400,
              "BadRequest",
              "container \"" + container + "\" in pod \"" + pod.name() + "\" is waiting to start"));
    }
    return new Target(file, container, podPath, null);
  }

  private static Target refused(MockResponse status) {
    return new Target(null, null, null, status);
  }

  /** {@code GET .../pods/<name>/log} without {@code follow}: the log as it is now. */
  MockResponse read(KubectlDispatcher.ResourcePath pod, String podPath, Map<String, String> query) {
    Target target = target(pod, podPath, query);
    if (target.refusal() != null) {
      return target.refusal();
    }
    try {
      return new MockResponse()
          .setResponseCode(200)
          .setHeader("Content-Type", "text/plain")
          .setBody(tail(target.file(), query));
    } catch (IOException | NumberFormatException e) {
      return KubectlDispatcher.status(
          400, "BadRequest", "cannot read the log of " + pod.name() + ": " + e.getMessage());
    }
  }

  /** {@code GET .../pods/<name>/log?follow=true}: the log so far, then what is added to it. */
  void follow(
      Vertx vertx,
      KubectlDispatcher.ResourcePath pod,
      String podPath,
      Map<String, String> query,
      HttpServerResponse response) {
    Target target = target(pod, podPath, query);
    if (target.refusal() != null) {
      KubectlDispatcher.send(response, target.refusal());
      return;
    }
    long offset;
    String start;
    try {
      offset = Files.size(target.file());
      start = tail(target.file(), query);
    } catch (IOException | NumberFormatException e) {
      KubectlDispatcher.send(
          response,
          KubectlDispatcher.status(
              400, "BadRequest", "cannot read the log of " + pod.name() + ": " + e.getMessage()));
      return;
    }
    response.setStatusCode(200).setChunked(true).putHeader("Content-Type", "text/plain");
    response.writeHead();
    if (!start.isEmpty()) {
      response.write(start);
    }
    long[] position = {offset};
    long timer =
        vertx.setPeriodic(
            FOLLOW_POLL_MILLIS,
            id -> {
              if (response.closed() || response.ended()) {
                vertx.cancelTimer(id);
                return;
              }
              boolean running = running(target);
              try (RandomAccessFile file = new RandomAccessFile(target.file().toFile(), "r")) {
                long length = file.length();
                if (length < position[0]) {
                  position[0] = 0; // the file was replaced
                }
                if (length > position[0]) {
                  byte[] bytes = new byte[(int) Math.min(length - position[0], 1 << 20)];
                  file.seek(position[0]);
                  file.readFully(bytes);
                  position[0] += bytes.length;
                  response.write(Buffer.buffer(bytes));
                  return;
                }
              } catch (IOException e) {
                running = false;
              }
              if (!running) {
                vertx.cancelTimer(id);
                response.end();
              }
            });
    response.closeHandler(v -> vertx.cancelTimer(timer));
  }

  /** Whether the followed container still runs (or is about to), so more log may come. */
  private boolean running(Target target) {
    MockResponse found = store.handleGet(target.podPath());
    if (found.code() != 200) {
      return false;
    }
    JsonNode status =
        Serialization.unmarshal(found.getBody().readUtf8(), JsonNode.class).path("status");
    for (String kind : List.of("initContainerStatuses", "containerStatuses")) {
      for (JsonNode container : status.path(kind)) {
        if (container.path("name").asText().equals(target.container())) {
          return container.path("state").has("running");
        }
      }
    }
    return false;
  }

  private static String tail(Path file, Map<String, String> query) throws IOException {
    List<String> lines = Files.readAllLines(file);
    int tail = Integer.parseInt(query.getOrDefault("tailLines", "-1"));
    if (tail >= 0 && tail < lines.size()) {
      lines = lines.subList(lines.size() - tail, lines.size());
    }
    String text = lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
    long limit = Long.parseLong(query.getOrDefault("limitBytes", "-1"));
    if (limit >= 0 && text.length() > limit) {
      text = text.substring(0, (int) limit);
    }
    return text;
  }
}
