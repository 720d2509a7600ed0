package io.modelkeeper.server.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.modelkeeper.server.models.SampleModelWriter;
import io.modelkeeper.server.models.SampleModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FetchCommandTest {

  private static final byte[] MODEL = SampleModels.mlp().toOnnx("mlp", Map.of());
  private static final FetchLimits LIMITS =
      new FetchLimits(
          1 << 20, Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofMinutes(1));
  private static final byte[] REFERENCE = "{\"features\": []}".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  private HttpServer server;
  private String base;
  private Path terminationLog;
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void serve() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    Map<String, byte[]> files =
        Map.of(
            "/with-reference/model.onnx", MODEL,
            "/with-reference/reference.json", REFERENCE,
            "/plain/model.onnx", MODEL,
            "/broken-reference/model.onnx", MODEL,
            "/garbage/model.onnx", "<html>not a model</html>".getBytes(StandardCharsets.UTF_8));
    server.createContext(
        "/",
        exchange -> {
          byte[] body = files.get(exchange.getRequestURI().getPath());
          if (exchange.getRequestURI().getPath().equals("/broken-reference/reference.json")) {
            exchange.sendResponseHeaders(500, -1);
          } else if (body == null) {
            exchange.sendResponseHeaders(404, -1);
          } else {
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
          }
          exchange.close();
        });
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
    terminationLog = Files.createFile(dir.resolve("termination-log"));
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private int fetch(String uri, String sha256) {
    Map<String, String> env = new HashMap<>();
    if (uri != null) {
      env.put("MODELKEEPER_MODEL_URI", uri);
    }
    if (sha256 != null) {
      env.put("MODELKEEPER_MODEL_SHA256", sha256);
    }
    env.put("MODELKEEPER_MODEL_DIR", dir.resolve("models").toString());
    FetchCommand command = new FetchCommand(limits -> new ModelFetcher(LIMITS), terminationLog);
    return command.run(
        env,
        new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String lastErrorLine() {
    String[] lines = err.toString(StandardCharsets.UTF_8).split("\n");
    return lines[lines.length - 1];
  }

  @Test
  void fetchesOverHttpWithChecksumAndSiblingReference() throws Exception {
    assertThat(fetch(base + "/with-reference/model.onnx", SampleModelWriter.sha256(MODEL)))
        .isZero();
    assertThat(Files.readAllBytes(dir.resolve("models/model.onnx"))).isEqualTo(MODEL);
    assertThat(Files.readAllBytes(dir.resolve("models/reference.json"))).isEqualTo(REFERENCE);
    assertThat(err.size()).isZero();
  }

  @Test
  void aMissingSiblingReferenceIsNotAnError() {
    assertThat(fetch(base + "/plain/model.onnx", null)).isZero();
    assertThat(dir.resolve("models/model.onnx")).exists();
    assertThat(dir.resolve("models/reference.json")).doesNotExist();
  }

  @Test
  void aSiblingReferenceThatCannotBeFetchedFailsTheInitContainerFetch() {
    assertThat(fetch(base + "/broken-reference/model.onnx", null)).isEqualTo(1);
    assertThat(lastErrorLine())
        .isEqualTo("fetch failed: HTTP 500 from " + base + "/broken-reference/reference.json");
  }

  @Test
  void theReferenceAloneIsFetchedBesideTheModelOrReportedMissing() throws Exception {
    ModelFetcher fetcher = new ModelFetcher(LIMITS);
    Path models = dir.resolve("models");
    Files.createDirectories(models);
    assertThat(
            fetcher.fetchReference(base + "/with-reference/model.onnx", Optional.empty(), models))
        .hasValue(models.resolve("reference.json"));
    assertThat(Files.readAllBytes(models.resolve("reference.json"))).isEqualTo(REFERENCE);
    Files.delete(models.resolve("reference.json"));
    assertThat(fetcher.fetchReference(base + "/plain/model.onnx", Optional.empty(), models))
        .isEmpty();
    assertThatThrownBy(
            () ->
                fetcher.fetchReference(
                    base + "/broken-reference/model.onnx", Optional.empty(), models))
        .isInstanceOf(FetchException.class)
        .hasMessage("HTTP 500 from " + base + "/broken-reference/reference.json");
    assertThat(models.resolve("reference.json")).doesNotExist();
  }

  @Test
  void fetchesALocalFile() throws Exception {
    Path source = Files.write(dir.resolve("source.onnx"), MODEL);
    assertThat(fetch(source.toUri().toString(), SampleModelWriter.sha256(MODEL).toUpperCase()))
        .isZero();
    assertThat(Files.readAllBytes(dir.resolve("models/model.onnx"))).isEqualTo(MODEL);
  }

  @Test
  void checksumMismatchFailsWithBothSums() throws Exception {
    String wrong = "0".repeat(64);
    assertThat(fetch(base + "/plain/model.onnx", wrong)).isEqualTo(1);
    assertThat(lastErrorLine())
        .startsWith("fetch failed: sha256 mismatch")
        .contains(wrong)
        .contains(SampleModelWriter.sha256(MODEL));
    assertThat(dir.resolve("models/model.onnx")).doesNotExist();
    assertThat(Files.readString(terminationLog)).isEqualTo(lastErrorLine() + "\n");
  }

  @Test
  void notFoundFails() {
    assertThat(fetch(base + "/missing/model.onnx", null)).isEqualTo(1);
    assertThat(lastErrorLine())
        .isEqualTo("fetch failed: HTTP 404 from " + base + "/missing/model.onnx");
  }

  @Test
  void unreachableHostFails() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    assertThat(fetch("http://127.0.0.1:" + closedPort + "/model.onnx", null)).isEqualTo(1);
    assertThat(lastErrorLine()).startsWith("fetch failed: cannot reach 127.0.0.1:" + closedPort);
  }

  @Test
  void aFileThatIsNotOnnxFails() {
    assertThat(fetch(base + "/garbage/model.onnx", null)).isEqualTo(1);
    assertThat(lastErrorLine()).startsWith("fetch failed: not an ONNX model");
    assertThat(dir.resolve("models/model.onnx")).doesNotExist();
  }

  @Test
  void missingOrUnsupportedUriFails() {
    assertThat(fetch(null, null)).isEqualTo(1);
    assertThat(lastErrorLine()).isEqualTo("fetch failed: MODELKEEPER_MODEL_URI is not set");
    assertThat(fetch("gs://bucket/model.onnx", null)).isEqualTo(1);
    assertThat(lastErrorLine())
        .startsWith("fetch failed: MODELKEEPER_MODEL_URI scheme 'gs' is not supported")
        .contains("(use http, https, s3 or file)");
    assertThat(fetch(base + "/plain/model.onnx", "abc")).isEqualTo(1);
    assertThat(lastErrorLine())
        .startsWith("fetch failed: MODELKEEPER_MODEL_SHA256 must be 64 hex digits");
  }

  @Test
  void credentialsFromTheMountedSecretGoInTheAuthorizationHeaderOnly() throws Exception {
    java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    server.createContext(
        "/private/",
        exchange -> {
          String header = exchange.getRequestHeaders().getFirst("Authorization");
          seen.add(exchange.getRequestURI().getPath() + " " + header);
          if (exchange.getRequestURI().getPath().endsWith("/moved/model.onnx")) {
            exchange.getResponseHeaders().add("Location", base + "/plain/model.onnx");
            exchange.sendResponseHeaders(302, -1);
          } else if (!"Bearer t0ken-value".equals(header)
              && !"Basic Ym90OnBhc3N3MHJk".equals(header)) {
            exchange.sendResponseHeaders(401, -1);
          } else if (exchange.getRequestURI().getPath().endsWith("model.onnx")) {
            exchange.sendResponseHeaders(200, MODEL.length);
            exchange.getResponseBody().write(MODEL);
          } else {
            exchange.sendResponseHeaders(404, -1);
          }
          exchange.close();
        });
    Path bearer = Files.createDirectories(dir.resolve("bearer"));
    Files.writeString(bearer.resolve("authorization"), "Bearer t0ken-value\n");
    Path basic = Files.createDirectories(dir.resolve("basic"));
    Files.writeString(basic.resolve("username"), "bot");
    Files.writeString(basic.resolve("password"), "passw0rd");
    Path empty = Files.createDirectories(dir.resolve("empty"));

    assertThat(fetchWith(base + "/private/a/model.onnx", bearer)).isZero();
    assertThat(seen)
        .containsExactly(
            "/private/a/model.onnx Bearer t0ken-value",
            "/private/a/reference.json Bearer t0ken-value");
    assertThat(fetchWith(base + "/private/b/model.onnx", basic)).isZero();
    assertThat(seen).contains("/private/b/model.onnx Basic Ym90OnBhc3N3MHJk");

    assertThat(fetch(base + "/private/c/model.onnx", null)).isEqualTo(1);
    assertThat(lastErrorLine())
        .isEqualTo("fetch failed: HTTP 401 from " + base + "/private/c/model.onnx");

    assertThat(fetchWith(base + "/private/moved/model.onnx", bearer)).isEqualTo(1);
    assertThat(lastErrorLine())
        .as("the credentials are not carried to where a redirect points")
        .contains("HTTP 302")
        .contains("no redirect is followed");

    assertThat(fetchWith(base + "/private/d/model.onnx", empty)).isEqualTo(1);
    assertThat(lastErrorLine())
        .contains("have neither key 'authorization' nor both 'username' and 'password'");
    assertThat(err.toString(StandardCharsets.UTF_8))
        .doesNotContain("t0ken-value")
        .doesNotContain("passw0rd");
  }

  private int fetchWith(String uri, Path credentials) {
    Map<String, String> env = new HashMap<>();
    env.put("MODELKEEPER_MODEL_URI", uri);
    env.put("MODELKEEPER_MODEL_DIR", dir.resolve("models-" + credentials.getFileName()).toString());
    env.put(FetchCommand.CREDENTIALS_DIR, credentials.toString());
    FetchCommand command = new FetchCommand(limits -> new ModelFetcher(LIMITS), terminationLog);
    return command.run(
        env,
        new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void credentialsInTheUriAreNeverPrinted() throws Exception {
    String secrets = "?X-Amz-Credential=AKIDSECRET&X-Amz-Signature=f00dfeedsignature";
    String withUser = base.replace("http://", "http://alice:s3cr3tpass@");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Map<String, String> env = new HashMap<>();
    env.put("MODELKEEPER_MODEL_URI", base + "/plain/model.onnx" + secrets);
    env.put("MODELKEEPER_MODEL_DIR", dir.resolve("models").toString());
    FetchCommand command = new FetchCommand(limits -> new ModelFetcher(LIMITS), terminationLog);
    assertThat(command.run(env, new PrintStream(out, true, StandardCharsets.UTF_8), System.err))
        .isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("fetched " + base + "/plain/model.onnx?***")
        .doesNotContain("AKIDSECRET")
        .doesNotContain("f00dfeedsignature");

    assertThat(fetch(withUser + "/missing/model.onnx" + secrets, null)).isEqualTo(1);
    assertThat(lastErrorLine()).startsWith("fetch failed: HTTP 404 from http://***@127.0.0.1:");
    assertThat(err.toString(StandardCharsets.UTF_8) + Files.readString(terminationLog))
        .doesNotContain("s3cr3tpass")
        .doesNotContain("alice")
        .doesNotContain("AKIDSECRET")
        .doesNotContain("f00dfeedsignature");
  }

  @Test
  void everyFailureIsExactlyOneLine() {
    fetch("file:///no/such/model.onnx", null);
    assertThat(err.toString(StandardCharsets.UTF_8).lines()).hasSize(1);
    assertThat(lastErrorLine()).isEqualTo("fetch failed: file not found: /no/such/model.onnx");
  }
}
