package io.modelkeeper.server.support;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** A small JDK HTTP client for talking to the server under test. */
public final class Http {

  public static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String base;

  public Http(String base) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  /** A response: status, headers and body. */
  public record Reply(int status, HttpResponse<byte[]> raw) {
    public String text() {
      return new String(raw.body(), StandardCharsets.UTF_8);
    }

    public JsonNode json() {
      try {
        return JSON.readTree(raw.body());
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + text(), e);
      }
    }

    public byte[] bytes() {
      return raw.body();
    }

    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }

  public Reply get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  public Reply get(String path, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).GET();
    headers.forEach(request::header);
    return send(request);
  }

  public Reply postJson(String path, Object body) {
    try {
      byte[] bytes =
          body instanceof String s
              ? s.getBytes(StandardCharsets.UTF_8)
              : JSON.writeValueAsBytes(body);
      return post(path, bytes, Map.of("Content-Type", "application/json"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Reply post(String path, byte[] body, Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    return send(request);
  }

  private Reply send(HttpRequest.Builder request) {
    try {
      HttpResponse<byte[]> response =
          CLIENT.send(
              request.timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      return new Reply(response.statusCode(), response);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public void awaitReady() {
    await().atMost(Duration.ofSeconds(30)).until(() -> get("/v2/health/ready").status() == 200);
  }

  /** The value of one series in the /metrics text, or NaN when absent. */
  public double metric(String series) {
    for (String line : get("/metrics").text().split("\n")) {
      // The 0.0.4 text format writes a trailing comma after the last label.
      line = line.replace(",}", "}");
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    return Double.NaN;
  }
}
