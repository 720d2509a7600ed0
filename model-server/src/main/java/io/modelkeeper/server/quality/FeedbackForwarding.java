package io.modelkeeper.server.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelkeeper.server.pods.PodIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Takes feedback for predictions that another pod of the model made to that pod: items grouped by
 * pod, one request per pod, all at once and while this pod labels its own. One hop only: the
 * forward carries {@link #FORWARDED_HEADER}, and a pod answers the items of such a request that are
 * for yet another pod with {@code misdirected} (421) rather than sending them on. A pod is found by
 * the token at the end of the id among the model's own pods ({@link PodIdentity}), so an id made up
 * by a caller makes this pod connect nowhere else.
 */
final class FeedbackForwarding {

  static final String FORWARDED_HEADER = "X-ModelKeeper-Forwarded";

  /** A pod's answer to at most 10,000 items is well under this. */
  static final int MAX_REPLY_BYTES = 8 * 1024 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = Logger.getLogger(FeedbackForwarding.class);

  /** How the feedback arrived: whether it was a forward, and what a forward repeats of it. */
  record Arrival(boolean forwarded, int port, String path, String authorization) {}

  private final PodIdentity pod;
  private final Duration timeout;
  private final HttpClient client;

  FeedbackForwarding(PodIdentity pod, Duration timeout) {
    this.pod = pod;
    this.timeout = timeout;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(
                timeout.compareTo(Duration.ofSeconds(2)) < 0 ? timeout : Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * One result per item, in order: this pod's own items from {@code here}, the others from the pods
   * that made their predictions; {@code refused} hears of each item refused without being sent.
   */
  List<FeedbackResult> feedback(
      List<JsonNode> items,
      Arrival arrival,
      Function<List<JsonNode>, List<FeedbackResult>> here,
      Consumer<FeedbackStatus> refused) {
    FeedbackResult[] results = new FeedbackResult[items.size()];
    List<Integer> own = new ArrayList<>();
    Map<InetAddress, List<Integer>> elsewhere = new LinkedHashMap<>();
    for (int i = 0; i < items.size(); i++) {
      String id = idOf(items.get(i));
      if (id == null || !pod.elsewhere(id)) {
        own.add(i);
        continue;
      }
      InetAddress address = arrival.forwarded() || !pod.forwards() ? null : pod.podOf(id);
      if (address == null) {
        results[i] = refusal(id, arrival.forwarded());
        refused.accept(results[i].status());
      } else {
        elsewhere.computeIfAbsent(address, a -> new ArrayList<>()).add(i);
      }
    }
    List<CompletableFuture<Void>> forwards = new ArrayList<>();
    elsewhere.forEach(
        (address, indices) ->
            forwards.add(send(address, arrival, items, indices, results, refused)));
    List<FeedbackResult> ownResults = here.apply(own.stream().map(items::get).toList());
    for (int k = 0; k < own.size(); k++) {
      results[own.get(k)] = ownResults.get(k);
    }
    forwards.forEach(CompletableFuture::join);
    return Arrays.asList(results);
  }

  private FeedbackResult refusal(String id, boolean forwarded) {
    if (forwarded) {
      return new FeedbackResult(
          id,
          FeedbackStatus.MISDIRECTED,
          "prediction '"
              + id
              + "' was made by another pod, and forwarded feedback goes no further");
    }
    return new FeedbackResult(
        id,
        FeedbackStatus.UNKNOWN_POD,
        pod.forwards()
            ? "prediction '"
                + id
                + "' names a pod that is not one of this model's pods"
                + " (it may have stopped since)"
            : "prediction '"
                + id
                + "' was made by another pod, and this server does not know"
                + " the model's other pods (MODELKEEPER_PEERS is not set): send the label there");
  }

  private CompletableFuture<Void> send(
      InetAddress address,
      Arrival arrival,
      List<JsonNode> items,
      List<Integer> indices,
      FeedbackResult[] results,
      Consumer<FeedbackStatus> refused) {
    HttpRequest request;
    try {
      byte[] body = JSON.writeValueAsBytes(indices.stream().map(items::get).toList());
      HttpRequest.Builder builder =
          HttpRequest.newBuilder(
                  new URI(
                      "http",
                      null,
                      address.getHostAddress(),
                      arrival.port(),
                      arrival.path(),
                      null,
                      null))
              .timeout(timeout)
              .header("Content-Type", "application/json")
              .header(FORWARDED_HEADER, "1")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      if (arrival.authorization() != null) {
        builder.header("Authorization", arrival.authorization());
      }
      request = builder.build();
    } catch (IOException | URISyntaxException | IllegalArgumentException e) {
      unreachable(indices, items, results, refused, "could not be forwarded: " + e.getMessage());
      return CompletableFuture.completedFuture(null);
    }
    return client
        .sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
        .handle(
            (response, failure) -> {
              String problem =
                  failure != null
                      ? "the pod that made it did not answer: " + rootMessage(failure)
                      : readResults(response, items, indices, results);
              if (problem != null) {
                LOG.debugf("feedback forwarded to %s failed: %s", address, problem);
                unreachable(indices, items, results, refused, problem);
              }
              return null;
            });
  }

  /** Fills the pod's answers in; returns what was wrong with its reply, or null. */
  private static String readResults(
      HttpResponse<InputStream> response,
      List<JsonNode> items,
      List<Integer> indices,
      FeedbackResult[] results) {
    JsonNode answers;
    try (InputStream body = response.body()) {
      byte[] bytes = body.readNBytes(MAX_REPLY_BYTES + 1);
      if (bytes.length > MAX_REPLY_BYTES) {
        return "the pod that made it answered more than " + MAX_REPLY_BYTES + " bytes";
      }
      answers = JSON.readTree(bytes).get("results");
    } catch (IOException | RuntimeException e) {
      return "the pod that made it answered " + response.statusCode() + " without results";
    }
    if (answers == null || !answers.isArray() || answers.size() != indices.size()) {
      return "the pod that made it answered " + response.statusCode() + " without results";
    }
    FeedbackResult[] read = new FeedbackResult[indices.size()];
    for (int k = 0; k < indices.size(); k++) {
      FeedbackStatus status = statusOf(answers.get(k).path("result").asText(""));
      if (status == null) {
        return "the pod that made it answered an unknown result for item " + k;
      }
      JsonNode error = answers.get(k).get("error");
      read[k] =
          new FeedbackResult(
              idOf(items.get(indices.get(k))),
              status,
              error == null || !error.isTextual() ? null : error.textValue());
    }
    for (int k = 0; k < indices.size(); k++) {
      results[indices.get(k)] = read[k];
    }
    return null;
  }

  private static void unreachable(
      List<Integer> indices,
      List<JsonNode> items,
      FeedbackResult[] results,
      Consumer<FeedbackStatus> refused,
      String problem) {
    for (int i : indices) {
      String id = idOf(items.get(i));
      results[i] =
          new FeedbackResult(
              id, FeedbackStatus.POD_UNREACHABLE, "prediction '" + id + "': " + problem);
      refused.accept(FeedbackStatus.POD_UNREACHABLE);
    }
  }

  private static FeedbackStatus statusOf(String id) {
    for (FeedbackStatus status : FeedbackStatus.values()) {
      if (status.id().equals(id)) {
        return status;
      }
    }
    return null;
  }

  private static String idOf(JsonNode item) {
    JsonNode id = item == null ? null : item.get("id");
    return id != null && id.isTextual() ? id.textValue() : null;
  }

  private static String rootMessage(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getClass().getSimpleName()
        + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
  }
}
