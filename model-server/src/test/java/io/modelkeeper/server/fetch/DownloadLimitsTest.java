package io.modelkeeper.server.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import com.sun.net.httpserver.HttpServer;
import io.modelkeeper.server.models.SampleModelWriter;
import io.modelkeeper.server.models.SampleModels;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downloads stop at the size limit, on a host that stalls, and at the deadline, with a reason that
 * names the setting; the reference is held to its checksum when one is given.
 */
class DownloadLimitsTest {

  private static final byte[] MODEL = SampleModels.mlp().toOnnx("mlp", Map.of());
  private static final byte[] REFERENCE = "{\"features\": []}".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  private HttpServer server;
  private String base;

  @BeforeEach
  void serve() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          try (exchange) {
            switch (path) {
              case "/ok/model.onnx" -> send(exchange, MODEL);
              case "/ok/reference.json" -> send(exchange, REFERENCE);
              case "/announced-large/model.onnx" -> {
                exchange.sendResponseHeaders(200, 50L << 20);
                exchange.getResponseBody().write(MODEL);
              }
              case "/unannounced-large/model.onnx" -> {
                exchange.sendResponseHeaders(200, 0); // chunked: no length given
                OutputStream out = exchange.getResponseBody();
                for (int i = 0; i < 64; i++) {
                  out.write(new byte[64 * 1024]);
                }
              }
              case "/stalls/model.onnx" -> {
                exchange.sendResponseHeaders(200, MODEL.length);
                exchange.getResponseBody().write(MODEL, 0, 10);
                exchange.getResponseBody().flush();
                Thread.sleep(5_000);
              }
              case "/trickles/model.onnx" -> {
                exchange.sendResponseHeaders(200, MODEL.length);
                for (int i = 0; i < MODEL.length; i++) {
                  exchange.getResponseBody().write(MODEL, i, 1);
                  exchange.getResponseBody().flush();
                  Thread.sleep(100);
                }
              }
              case "/no-headers/model.onnx" -> Thread.sleep(5_000);
              default -> exchange.sendResponseHeaders(404, -1);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (java.io.IOException ignored) {
            // The fetcher hung up, as it should.
          }
        });
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private static void send(com.sun.net.httpserver.HttpExchange exchange, byte[] body)
      throws java.io.IOException {
    exchange.sendResponseHeaders(200, body.length);
    exchange.getResponseBody().write(body);
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private static ModelFetcher fetcher(long maxBytes, Duration read, Duration deadline) {
    return new ModelFetcher(new FetchLimits(maxBytes, Duration.ofSeconds(2), read, deadline));
  }

  private static ModelFetcher roomy() {
    return fetcher(1 << 20, Duration.ofSeconds(10), Duration.ofMinutes(1));
  }

  @Test
  void aModelAnnouncedLargerThanTheLimitIsRefusedBeforeItsBody() {
    long start = System.nanoTime();
    assertThatThrownBy(
            () -> roomy().fetchModel(base + "/announced-large/model.onnx", Optional.empty(), dir))
        .isInstanceOf(FetchException.class)
        .hasMessage(
            base
                + "/announced-large/model.onnx is 52428800 bytes (Content-Length), larger than the"
                + " limit of 1048576");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(dir.resolve("model.onnx")).doesNotExist();
  }

  @Test
  void aModelThatKeepsComingStopsAtTheLimit() {
    assertThatThrownBy(
            () ->
                fetcher(1 << 20, Duration.ofSeconds(10), Duration.ofMinutes(1))
                    .fetchModel(base + "/unannounced-large/model.onnx", Optional.empty(), dir))
        .isInstanceOf(FetchException.class)
        .hasMessage(
            base
                + "/unannounced-large/model.onnx is larger than 1048576 bytes"
                + " (MODELKEEPER_MAX_MODEL_SIZE)");
    assertThat(dir.resolve("model.onnx.part")).doesNotExist();
  }

  @Test
  void aHostThatStallsMidBodyIsGivenUpAfterTheReadTimeout() {
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                fetcher(1 << 20, Duration.ofMillis(500), Duration.ofMinutes(1))
                    .fetchModel(base + "/stalls/model.onnx", Optional.empty(), dir))
        .isInstanceOf(FetchException.class)
        .hasMessage(
            "download of "
                + base
                + "/stalls/model.onnx stopped: no data for 500 ms (MODELKEEPER_FETCH_READ_TIMEOUT)");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
  }

  @Test
  void aHostThatSendsNoHeadersIsGivenUpAfterTheReadTimeout() {
    assertThatThrownBy(
            () ->
                fetcher(1 << 20, Duration.ofSeconds(1), Duration.ofMinutes(1))
                    .fetchModel(base + "/no-headers/model.onnx", Optional.empty(), dir))
        .isInstanceOf(FetchException.class)
        .hasMessage(
            "no response from 127.0.0.1:"
                + server.getAddress().getPort()
                + " within 1 s (MODELKEEPER_FETCH_READ_TIMEOUT)");
  }

  @Test
  void aTrickleThatNeverStallsStillEndsAtTheDeadline() {
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                fetcher(1 << 20, Duration.ofSeconds(2), Duration.ofSeconds(1))
                    .fetchModel(base + "/trickles/model.onnx", Optional.empty(), dir))
        .isInstanceOf(FetchException.class)
        .hasMessage(
            "download of "
                + base
                + "/trickles/model.onnx stopped: the download deadline passed"
                + " (MODELKEEPER_FETCH_DEADLINE)");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
  }

  @Test
  void aLocalFileLargerThanTheLimitIsRefused() throws Exception {
    Path source = Files.write(dir.resolve("source.onnx"), MODEL);
    assertThatThrownBy(
            () ->
                fetcher(100, Duration.ofSeconds(1), Duration.ofSeconds(1))
                    .fetchModel(source.toUri().toString(), Optional.empty(), dir.resolve("out")))
        .isInstanceOf(FetchException.class)
        .hasMessageContaining("larger than the limit of 100");
  }

  @Test
  void theReferenceIsCheckedLikeTheModelWhenItsSha256IsGiven() throws Exception {
    String uri = base + "/ok/model.onnx";
    Path fetched =
        roomy()
            .fetch(
                uri,
                Optional.of(SampleModelWriter.sha256(MODEL)),
                Optional.of(SampleModelWriter.sha256(REFERENCE)),
                dir);
    assertThat(fetched.resolveSibling("reference.json")).hasBinaryContent(REFERENCE);

    Files.delete(fetched.resolveSibling("reference.json"));
    assertThatThrownBy(() -> roomy().fetch(uri, Optional.empty(), Optional.of("0".repeat(64)), dir))
        .isInstanceOf(FetchException.class)
        .hasMessageStartingWith("sha256 mismatch for " + base + "/ok/reference.json")
        .hasMessageContaining(SampleModelWriter.sha256(REFERENCE));
    assertThat(dir.resolve("reference.json")).doesNotExist();
    assertThat(dir.resolve("reference.json.part")).doesNotExist();
  }

  @Test
  void aReferenceWithAChecksumMustExist() {
    // A source without a reference.json: the checksum makes it required.
    server.createContext(
        "/lonely/",
        exchange -> {
          try (exchange) {
            if (exchange.getRequestURI().getPath().endsWith("model.onnx")) {
              send(exchange, MODEL);
            } else {
              exchange.sendResponseHeaders(404, -1);
            }
          }
        });
    assertThatThrownBy(
            () ->
                roomy()
                    .fetch(
                        base + "/lonely/model.onnx",
                        Optional.empty(),
                        Optional.of("0".repeat(64)),
                        dir))
        .isInstanceOf(FetchException.class)
        .hasMessage("HTTP 404 from " + base + "/lonely/reference.json");
  }

  @Test
  void theFetchModeReadsItsLimitsAndNamesABadOne() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("MODELKEEPER_MODEL_URI", base + "/ok/model.onnx");
    env.put("MODELKEEPER_MODEL_DIR", dir.toString());
    env.put("MODELKEEPER_MAX_MODEL_SIZE", "1K");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    FetchCommand command = new FetchCommand(ModelFetcher::new, dir.resolve("no-termination-log"));
    PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
    PrintStream out = new PrintStream(new ByteArrayOutputStream());

    assertThat(command.run(env, out, errors)).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("fetch failed: " + base + "/ok/model.onnx is " + MODEL.length);

    err.reset();
    env.put("MODELKEEPER_MAX_MODEL_SIZE", "2M");
    env.put("MODELKEEPER_FETCH_READ_TIMEOUT", "soon");
    assertThat(command.run(env, out, errors)).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8).strip())
        .isEqualTo(
            "fetch failed: MODELKEEPER_FETCH_READ_TIMEOUT must be a duration such as 30s or 10m,"
                + " got 'soon'");

    env.remove("MODELKEEPER_FETCH_READ_TIMEOUT");
    assertThat(command.run(env, out, errors)).isZero();
    assertThat(dir.resolve("model.onnx")).hasBinaryContent(MODEL);
  }

  @Test
  void theOnnxCheckReadsFieldsWithoutLoadingTheModel() throws Exception {
    Path model = Files.write(dir.resolve("model.onnx"), MODEL);
    ModelFetcher.checkOnnx(model, "model.onnx");

    byte[] noOutputs =
        OnnxMl.ModelProto.parseFrom(MODEL).toBuilder()
            .setGraph(OnnxMl.ModelProto.parseFrom(MODEL).getGraph().toBuilder().clearOutput())
            .build()
            .toByteArray();
    Path withoutOutputs = Files.write(dir.resolve("no-outputs.onnx"), noOutputs);
    assertThatThrownBy(() -> ModelFetcher.checkOnnx(withoutOutputs, "no-outputs.onnx"))
        .isInstanceOf(FetchException.class)
        .hasMessage("not an ONNX model (no IR version or graph): no-outputs.onnx");
  }
}
