package io.modelkeeper.e2e.cluster;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;

/**
 * A static HTTP model repository on loopback, serving a directory such as {@code examples/models/}
 * the way a cluster fetches models from an object store. Under {@code /corrupt/} it serves every
 * file with its bytes changed, so a checksum mismatch can be produced on purpose; a missing path
 * answers 404.
 */
public final class ModelRepository implements AutoCloseable {

  public static final String CORRUPT_PREFIX = "/corrupt/";

  private final Path root;
  private final HttpServer server;

  private ModelRepository(Path root, HttpServer server) {
    this.root = root;
    this.server = server;
  }

  /** Serves {@code root} on 127.0.0.1 on a free port. */
  public static ModelRepository start(Path root) {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 16);
      ModelRepository repository = new ModelRepository(root.toAbsolutePath().normalize(), server);
      server.createContext("/", repository::serve);
      server.setExecutor(
          Executors.newFixedThreadPool(
              2,
              r -> {
                Thread thread = new Thread(r, "model-repository");
                thread.setDaemon(true);
                return thread;
              }));
      server.start();
      return repository;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The base URL, {@code http://127.0.0.1:<port>}, under which {@code <model>/model.onnx} is found.
   */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public Path root() {
    return root;
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("GET")
          && !exchange.getRequestMethod().equals("HEAD")) {
        reply(exchange, 405, "only GET and HEAD are served\n".getBytes(StandardCharsets.UTF_8));
        return;
      }
      String path = exchange.getRequestURI().getPath();
      boolean corrupt = path.startsWith(CORRUPT_PREFIX);
      String relative = corrupt ? path.substring(CORRUPT_PREFIX.length()) : path.substring(1);
      Path file = root.resolve(relative).normalize();
      if (!file.startsWith(root) || !Files.isRegularFile(file)) {
        reply(
            exchange, 404, ("no such model file: " + path + "\n").getBytes(StandardCharsets.UTF_8));
        return;
      }
      byte[] bytes = Files.readAllBytes(file);
      if (corrupt && bytes.length > 0) {
        bytes[bytes.length / 2] ^= 0x5A;
      }
      reply(exchange, 200, bytes);
    }
  }

  private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange
        .getResponseHeaders()
        .set(
            "Content-Type",
            status == 200 ? "application/octet-stream" : "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
