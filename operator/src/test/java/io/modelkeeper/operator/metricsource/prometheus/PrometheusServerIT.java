package io.modelkeeper.operator.metricsource.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.operator.metricsource.ArmMetrics;
import io.modelkeeper.operator.testing.TestModels;
import io.modelkeeper.operator.workload.ModelVersion;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prometheus provider against a real Prometheus (Debian's {@code prometheus} 2.42 package):
 * known series are backfilled with {@code promtool tsdb create-blocks-from openmetrics}, the server
 * is started on them behind HTTPS with a test CA and basic authentication, and the provider reads
 * them at an instant inside the data through its operator clock.
 *
 * <p>The data, scraped every 15 s from {@link #T0} for ten minutes, of version 2 of {@code fraud}
 * in namespace {@code ml}: pod {@code a} serves 1 request/s of which one in 16 fails, with all
 * requests under 50 ms, and its container restarts at +5 min (its counters start again from 0); pod
 * {@code b} serves as much, slowly, and is deleted at +4 min (no staleness marker: the backfill
 * writes none, as after a Prometheus restart). Pod a's window has 500 labelled predictions at
 * accuracy 0.9 and drift 0.1, pod b's had 500 at 0.5 and drift 0.9.
 */
class PrometheusServerIT {

  private static final String USER = "modelkeeper";
  private static final String PASSWORD = "test-password-7f3a";
  private static final long SCRAPE = 15;

  /** Start of the data: three hours ago on a whole hour, inside any retention. */
  private static final long T0 =
      Instant.now().minus(Duration.ofHours(3)).getEpochSecond() / 3600 * 3600;

  private static final ModelVersion TWO =
      new ModelVersion("2", "https://models.example.com/2", null);

  @TempDir static Path dir;
  private static Process prometheus;
  private static String url;

  private final ModelDeployment md = TestModels.model("fraud", "2");

  @BeforeAll
  static void startPrometheusOnKnownSeries() throws Exception {
    require("promtool");
    require("prometheus");
    Path openMetrics = dir.resolve("series.om");
    Files.writeString(openMetrics, series(TWO.revision()));
    Path data = dir.resolve("data");
    run(
        "promtool",
        "tsdb",
        "create-blocks-from",
        "openmetrics",
        openMetrics.toString(),
        data.toString());

    for (String file : List.of("server.crt", "server.key")) {
      Files.writeString(dir.resolve(file), resource(file));
    }
    Files.writeString(
        dir.resolve("web.yml"),
        "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
            + "basic_auth_users:\n  "
            + USER
            + ": '"
            + resource("basic-auth.hash").strip()
            + "'\n");
    Files.writeString(dir.resolve("prometheus.yml"), "global:\n  scrape_interval: 15s\n");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    url = "https://127.0.0.1:" + port;
    prometheus =
        new ProcessBuilder(
                "prometheus",
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--web.config.file=" + dir.resolve("web.yml"),
                "--storage.tsdb.path=" + data,
                "--storage.tsdb.retention.time=3650d",
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    awaitReady();
  }

  @AfterAll
  static void stopPrometheus() throws InterruptedException {
    if (prometheus != null) {
      prometheus.destroy();
      if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly();
      }
    }
  }

  @Test
  void aRestartedContainersCounterResetIsCountedFromZero() {
    // From +4 to +6 min: only pod a (b is gone), whose counters reset at +5 min.
    ArmMetrics metrics = read(TWO, T0 + 360, Duration.ofMinutes(2), basicAuth(PASSWORD));
    assertThat(metrics.measured()).isTrue();
    assertThat(metrics.requests()).isEqualTo(120);
    assertThat(metrics.errors()).isEqualTo(8);
    assertThat(metrics.latencyP99Seconds()).isCloseTo(0.0495, within(1e-9));
  }

  @Test
  void aPodThatIsGoneNoLongerCountsInTheWindowFigures() {
    // At +6 min pod b's last samples (+4 min) are still inside Prometheus's 5-minute look-back.
    ArmMetrics metrics = read(TWO, T0 + 360, Duration.ofMinutes(2), basicAuth(PASSWORD));
    assertThat(metrics.labelled()).as("pod a's window only").isEqualTo(500);
    assertThat(metrics.accuracy()).isCloseTo(0.9, within(1e-9));
    assertThat(metrics.drift()).isCloseTo(0.1, within(1e-9));

    ArmMetrics bothPods = read(TWO, T0 + 180, Duration.ofMinutes(2), basicAuth(PASSWORD));
    assertThat(bothPods.labelled()).as("both pods while both run").isEqualTo(1000);
    assertThat(bothPods.accuracy()).isCloseTo(0.7, within(1e-9));
    assertThat(bothPods.drift()).isCloseTo(0.9, within(1e-9));
    assertThat(bothPods.requests()).isEqualTo(240);
    assertThat(bothPods.latencyP99Seconds())
        .as("half the requests are pod b's slow ones")
        .isGreaterThan(0.1);
  }

  @Test
  void anIntervalShorterThanTwoScrapesIsStillMeasured() {
    // 15 s between two reads, 15 s between two scrapes, at an instant between two scrapes: a 15 s
    // window holds one sample, and rate() needs two.
    ArmMetrics metrics = read(TWO, T0 + 367, Duration.ofSeconds(15), basicAuth(PASSWORD));
    assertThat(metrics.measured()).isTrue();
    assertThat(metrics.requests()).isEqualTo(15);
    assertThat(metrics.errors()).isEqualTo(1);
  }

  @Test
  void aVersionWithoutSeriesIsAMissedReadNotZeroRequests() {
    ModelVersion three = new ModelVersion("3", "https://models.example.com/3", null);
    ArmMetrics metrics = read(three, T0 + 360, Duration.ofMinutes(2), basicAuth(PASSWORD));
    assertThat(metrics.measured()).isFalse();
    assertThat(metrics.podsMissed()).isEqualTo(1);
    assertThat(metrics.errorRate()).isNaN();
  }

  @Test
  void aWrongPasswordIsRefusedWithoutPrintingIt() {
    String wrong = "not-the-password-91c2";
    PrometheusMetricsSource source = source(T0 + 360, basicAuth(wrong), trustingTestCa());
    assertThat(source.read(md, TWO, List.of(), Duration.ofMinutes(2)).measured()).isFalse();
    assertThatThrownBy(() -> source.query("up", Instant.ofEpochSecond(T0 + 360)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("401")
        .hasMessageNotContaining(wrong)
        .hasMessageNotContaining(base64(USER + ":" + wrong));
  }

  @Test
  void aServerCertificateFromAnotherCaIsRefusedUnlessVerificationIsOff() throws Exception {
    PrometheusMetricsSource otherCa =
        source(T0 + 360, basicAuth(PASSWORD), PrometheusTls.trusting(write("other-ca.crt")));
    assertThat(otherCa.read(md, TWO, List.of(), Duration.ofMinutes(2)).measured()).isFalse();

    PrometheusMetricsSource insecure =
        source(T0 + 360, basicAuth(PASSWORD), PrometheusTls.trustingAnyone());
    assertThat(insecure.read(md, TWO, List.of(), Duration.ofMinutes(2)).requests()).isEqualTo(120);
  }

  private ArmMetrics read(
      ModelVersion version, long at, Duration interval, PrometheusCredentials credentials) {
    return source(at, credentials, trustingTestCa()).read(md, version, List.of(), interval);
  }

  private static PrometheusMetricsSource source(
      long at, PrometheusCredentials credentials, SSLContext tls) {
    return new PrometheusMetricsSource(
        HttpClient.newBuilder().sslContext(tls).build(),
        url,
        credentials,
        Clock.fixed(Instant.ofEpochSecond(at), ZoneOffset.UTC),
        Duration.ofSeconds(60));
  }

  private static SSLContext trustingTestCa() {
    try {
      return PrometheusTls.trusting(write("ca.crt"));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static PrometheusCredentials basicAuth(String password) {
    try {
      Path file = Files.createTempFile(dir, "password", "");
      Files.writeString(file, password + "\n");
      return PrometheusCredentials.basicAuth(USER, file);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The OpenMetrics text of the data the class comment describes. */
  private static String series(String revision) {
    String a =
        "namespace=\"ml\",pod=\"fraud-2-a\",model=\"fraud\",version=\"2\",revision=\""
            + revision
            + "\"";
    String b =
        "namespace=\"ml\",pod=\"fraud-2-b\",model=\"fraud\",version=\"2\",revision=\""
            + revision
            + "\"";
    long end = 600;
    long gone = 240;
    long restart = 300;
    // Pod a's counters: from 0, and from 0 again at the restart (the scrape then sees 15 s of it).
    java.util.function.LongUnaryOperator aRequests = t -> t < restart ? t : t - restart + SCRAPE;
    StringBuilder text = new StringBuilder();
    text.append("# TYPE modelkeeper_requests counter\n");
    samples(
        text,
        "modelkeeper_requests_total{" + a + ",outcome=\"success\"}",
        end,
        t -> aRequests.applyAsLong(t) * 15 / 16.0);
    samples(
        text,
        "modelkeeper_requests_total{" + a + ",outcome=\"server_error\"}",
        end,
        t -> aRequests.applyAsLong(t) / 16.0);
    samples(
        text, "modelkeeper_requests_total{" + b + ",outcome=\"success\"}", gone, t -> (double) t);
    samples(text, "modelkeeper_requests_total{" + b + ",outcome=\"server_error\"}", gone, t -> 0.0);
    text.append("# TYPE modelkeeper_request_duration_seconds histogram\n");
    for (String le : List.of("0.05", "0.1", "1", "+Inf")) {
      samples(
          text,
          "modelkeeper_request_duration_seconds_bucket{" + a + ",le=\"" + le + "\"}",
          end,
          t -> (double) aRequests.applyAsLong(t));
      boolean slow = le.equals("1") || le.equals("+Inf");
      samples(
          text,
          "modelkeeper_request_duration_seconds_bucket{" + b + ",le=\"" + le + "\"}",
          gone,
          t -> slow ? t : 0.0);
    }
    text.append("# TYPE modelkeeper_quality_window_predictions gauge\n");
    samples(text, "modelkeeper_quality_window_predictions{" + a + "}", end, t -> 500.0);
    samples(text, "modelkeeper_quality_window_predictions{" + b + "}", gone, t -> 500.0);
    text.append("# TYPE modelkeeper_quality_accuracy gauge\n");
    samples(text, "modelkeeper_quality_accuracy{" + a + "}", end, t -> 0.9);
    samples(text, "modelkeeper_quality_accuracy{" + b + "}", gone, t -> 0.5);
    text.append("# TYPE modelkeeper_drift_score gauge\n");
    samples(text, "modelkeeper_drift_score{" + a + ",reference=\"training\"}", end, t -> 0.1);
    samples(text, "modelkeeper_drift_score{" + b + ",reference=\"training\"}", gone, t -> 0.9);
    return text.append("# EOF\n").toString();
  }

  private static void samples(
      StringBuilder text,
      String series,
      long until,
      java.util.function.LongFunction<Double> value) {
    for (long t = 0; t <= until; t += SCRAPE) {
      text.append(series)
          .append(' ')
          .append(value.apply(t))
          .append(' ')
          .append(T0 + t)
          .append('\n');
    }
  }

  private static void awaitReady() throws Exception {
    HttpClient http = HttpClient.newBuilder().sslContext(trustingTestCa()).build();
    HttpRequest ready =
        HttpRequest.newBuilder(URI.create(url + "/-/ready"))
            .header("Authorization", "Basic " + base64(USER + ":" + PASSWORD))
            .timeout(Duration.ofSeconds(2))
            .build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!prometheus.isAlive()) {
        fail("prometheus exited:\n" + Files.readString(dir.resolve("prometheus.log")));
      }
      try {
        if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    fail(
        "prometheus was not ready within 30 s:\n"
            + Files.readString(dir.resolve("prometheus.log")));
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("%s:%n%s", String.join(" ", command), output).isZero();
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = PrometheusServerIT.class.getResourceAsStream("/prometheus-tls/" + name)) {
      return new String(Objects.requireNonNull(in, name).readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static Path write(String name) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, resource(name));
    return file;
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Skips the class when a Prometheus binary is missing, saying which package has it; where
   * MODELKEEPER_REQUIRE_TOOLS=true, as .ci/run sets it, fails it instead.
   */
  private static void require(String tool) {
    boolean present =
        new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "/usr/bin").split(":")))
            .stream().anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, tool)));
    String message = tool + " is not installed (apt-get install prometheus)";
    if (!present && Boolean.parseBoolean(System.getenv("MODELKEEPER_REQUIRE_TOOLS"))) {
      fail(
          message
              + ": the real-Prometheus tests cannot run, and MODELKEEPER_REQUIRE_TOOLS=true forbids skipping them");
    }
    assumeTrue(present, message + ": the real-Prometheus tests skipped");
  }
}
