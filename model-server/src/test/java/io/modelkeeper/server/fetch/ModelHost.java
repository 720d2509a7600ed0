package io.modelkeeper.server.fetch;

import com.sun.net.httpserver.HttpServer;
import io.modelkeeper.server.models.SampleModels;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP model store on a loopback port serving the sample logistic regression at {@code
 * /fraud/7/model.onnx}; its sibling {@code reference.json} is answered as the {@code reference}
 * argument says: {@code shipped} (a reference of two features), {@code missing} (404) or {@code
 * broken} (500). The server under test loads the model from this URI.
 */
public class ModelHost implements QuarkusTestResourceLifecycleManager {
  static final String MODEL_PATH = "/fraud/7/model.onnx";
  static final String REFERENCE_PATH = "/fraud/7/reference.json";
  static final String REFERENCE =
      """
      {"format": "modelkeeper.reference/v1", "description": "training set of 2026-11-01",
       "features": [
         {"name": "amount", "column": 0, "edges": [-1, 0, 1], "proportions": [0.16, 0.34, 0.34, 0.16]},
         {"name": "age", "column": 1, "edges": [0], "proportions": [0.5, 0.5]}
       ]}
      """;

  /** Paths requested from the store, in order. */
  static final List<String> REQUESTS = new CopyOnWriteArrayList<>();

  private HttpServer server;
  private String reference;

  @Override
  public void init(Map<String, String> args) {
    reference = args.getOrDefault("reference", "missing");
  }

  @Override
  public Map<String, String> start() {
    byte[] model = SampleModels.logisticRegression().toOnnx("lr", Map.of());
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          REQUESTS.add(path);
          byte[] body = null;
          int status = 404;
          if (path.equals(MODEL_PATH)) {
            status = 200;
            body = model;
          } else if (path.equals(REFERENCE_PATH) && reference.equals("shipped")) {
            status = 200;
            body = REFERENCE.getBytes(StandardCharsets.UTF_8);
          } else if (path.equals(REFERENCE_PATH) && reference.equals("broken")) {
            status = 500;
          }
          exchange.sendResponseHeaders(status, body == null ? -1 : body.length);
          if (body != null) {
            exchange.getResponseBody().write(body);
          }
          exchange.close();
        });
    server.start();
    return Map.of(
        "modelkeeper.model.uri", "http://127.0.0.1:" + server.getAddress().getPort() + MODEL_PATH);
  }

  @Override
  public void stop() {
    if (server != null) {
      server.stop(0);
    }
  }
}
