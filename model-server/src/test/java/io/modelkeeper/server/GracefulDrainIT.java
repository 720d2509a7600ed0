package io.modelkeeper.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelkeeper.server.support.TestModels;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server as a child process receives SIGTERM while requests are in flight (their
 * bodies half sent, then batched together): every one of them is answered 200, a new request gets a
 * quick 503 (or the connection is refused once the server is gone), and the process exits 0.
 */
class GracefulDrainIT {

  private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
  private static final int IN_FLIGHT = 8;
  private static final byte[] BODY =
      ("{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,16],"
              + "\"data\":[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15]}]}")
          .getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  private Process server;

  @AfterEach
  void kill() {
    if (server != null && server.isAlive()) {
      server.destroyForcibly();
    }
  }

  @Test
  void sigtermAnswersEveryRequestInFlightRefusesNewOnesAndExitsZero() throws Exception {
    assertThat(JAR).as("packaged server (run through mvn verify)").exists();
    int port = freePort();
    ProcessBuilder builder =
        new ProcessBuilder("java", "-Xmx256m", "-jar", JAR.toAbsolutePath().toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("server.log").toFile());
    builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
    builder.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
    builder.environment().put("MODELKEEPER_MODEL_NAME", "mlp");
    builder.environment().put("MODELKEEPER_MODEL_URI", TestModels.mlpFile().toUri().toString());
    // Every request goes through the batcher's queue and waits there for the others.
    builder.environment().put("MODELKEEPER_INLINE_RUN_LIMIT_MICROS", "0");
    builder.environment().put("MODELKEEPER_MAX_QUEUE_DELAY", "300ms");
    server = builder.start();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> status(port, "GET /v2/health/ready") == 200);

    List<Socket> inFlight = new ArrayList<>();
    for (int i = 0; i < IN_FLIGHT; i++) {
      Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(requestHead(BODY.length));
      out.write(BODY, 0, 20);
      out.flush();
      inFlight.add(socket);
    }
    Thread.sleep(300);

    server.destroy(); // SIGTERM
    Thread.sleep(500);
    long asked = System.nanoTime();
    int late = status(port, "GET /v2/health/ready");
    assertThat(late).as("a request after the drain started").isIn(503, -1);
    assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(2));
    assertThat(server.isAlive()).as("still draining the requests in flight").isTrue();

    for (Socket socket : inFlight) {
      socket.getOutputStream().write(BODY, 20, BODY.length - 20);
      socket.getOutputStream().flush();
    }
    for (Socket socket : inFlight) {
      try (socket) {
        String reply = readReply(socket.getInputStream());
        assertThat(reply).as("request in flight at SIGTERM").startsWith("HTTP/1.1 200");
        assertThat(reply).contains("\"outputs\"");
      }
    }
    assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("exited after the drain").isTrue();
    assertThat(server.exitValue()).as(Files.readString(dir.resolve("server.log"))).isZero();
    assertThat(Files.readString(dir.resolve("server.log"))).contains("draining");
    assertThat(status(port, "GET /v2/health/live")).as("nothing listens any more").isEqualTo(-1);
  }

  private static byte[] requestHead(int length) {
    return ("POST /v2/models/mlp/infer HTTP/1.1\r\nHost: localhost\r\n"
            + "Content-Type: application/json\r\nContent-Length: "
            + length
            + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** The status of a one-shot request, or -1 when the connection is refused or dropped. */
  private static int status(int port, String requestLine) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(5_000);
      socket
          .getOutputStream()
          .write(
              (requestLine + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String reply = readReply(socket.getInputStream());
      return reply.length() < 12 ? -1 : Integer.parseInt(reply.substring(9, 12));
    } catch (ConnectException e) {
      return -1;
    } catch (IOException e) {
      return -1;
    }
  }

  /** Reads one response: head and a body of its Content-Length. */
  private static String readReply(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        return head.toString();
      }
      head.append((char) b);
    }
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring("content-length:".length()).trim());
      }
    }
    return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
