package io.modelkeeper.server.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.server.hostile.HostileRequests.Case;
import io.modelkeeper.server.hostile.HostileRequests.Expect;
import io.modelkeeper.server.hostile.RawHttp.Pacing;
import io.modelkeeper.server.hostile.RawHttp.Reply;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Over ten thousand hostile requests, class by class, against the packaged server started as the
 * image starts it ({@code -Xmx256m -XX:+ExitOnOutOfMemoryError}, the image's MALLOC_ARENA_MAX=2 and
 * ORT_DISABLE_TELEMETRY=1, settings at their defaults, quality monitoring on): the server never
 * exits, never answers 5xx (only the overload class may get 503, with Retry-After), stays under 400
 * MB resident, and answers a normal request afterwards exactly as before.
 */
class HostileInputIT {

  private static final long SEED = Long.getLong("hostile.seed", 20261202L);
  private static final int THREADS = 8;

  private static Process server;
  private static Path log;
  private static RawHttp http;

  @BeforeAll
  static void startServer() throws Exception {
    Path project = Path.of(System.getProperty("modelkeeper.project.dir", ".."));
    Path jar = project.resolve("model-server/target/quarkus-app/quarkus-run.jar");
    Path model = project.resolve("examples/models/mlp/model.onnx");
    assertThat(jar).as("package the model server first").isRegularFile();
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    log = project.resolve("model-server/target/hostile-input-server.log");
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:+ExitOnOutOfMemoryError",
                System.getProperty("hostile.jvmArg", "-Dhostile=true"),
                "-jar",
                jar.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put("MODELKEEPER_MODEL_NAME", "mlp");
    builder.environment().put("MODELKEEPER_MODEL_URI", model.toUri().toString());
    builder.environment().put("MODELKEEPER_TASK", "multiclass-classification");
    // As the model-server image's ENV lines set them.
    builder.environment().put("ORT_DISABLE_TELEMETRY", "1");
    builder.environment().put("MALLOC_ARENA_MAX", "2");
    for (String setting : System.getProperty("hostile.env", "").split(",")) {
      if (setting.contains("=")) {
        builder
            .environment()
            .put(setting.split("=")[0], setting.substring(setting.indexOf('=') + 1));
      }
    }
    builder.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
    builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
    server = builder.start();
    http = new RawHttp("127.0.0.1", port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      assertThat(server.isAlive()).as("server exited: %s", tail()).isTrue();
      try {
        if (get("/v2/health/ready").status() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // Not listening yet.
      }
      Thread.sleep(200);
    }
    throw new AssertionError("server not ready within 90 s: " + tail());
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.destroy();
      server.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static Reply get(String path) throws IOException {
    return http.exchange(
        "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", new byte[0], Pacing.AT_ONCE);
  }

  private static String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** What one class of cases got back. */
  private static final class Tally {
    final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger sent = new AtomicInteger();
  }

  @Test
  void tenThousandHostileRequestsLeaveTheServerUpAndAnsweringCorrectly() throws Exception {
    Case normal = HostileRequests.json("normal", new HostileRequests(1).valid(3), Expect.OK, 3);
    Reply before = http.exchange(normal.head(), normal.body(), Pacing.AT_ONCE);
    assertThat(before.status()).as(before.text()).isEqualTo(200);

    HostileRequests generate = new HostileRequests(SEED);
    List<Case> mixed = new ArrayList<>();
    mixed.addAll(generate.validCases(1000));
    mixed.addAll(generate.sizeClaims(1200));
    mixed.addAll(generate.shapes(1000));
    mixed.addAll(generate.nesting(800));
    mixed.addAll(generate.ids(800));
    mixed.addAll(generate.strings(400));
    mixed.addAll(generate.numbers(600));
    mixed.addAll(generate.datatypes(1000));
    mixed.addAll(generate.nanAndInfinity(600));
    mixed.addAll(generate.binaryHeaders(1200));
    mixed.addAll(generate.malformed(1000));
    mixed.addAll(generate.contentLengths(300));
    mixed.addAll(generate.slowBodies(48));
    mixed.addAll(generate.abandoned(400));
    Collections.shuffle(mixed, new java.util.Random(SEED));
    Map<String, Tally> tallies = new TreeMap<>();

    long start = System.nanoTime();
    run(mixed, THREADS, tallies);
    System.out.printf("HostileInputIT: after the mixed classes, RSS %s%n", rss());
    // Large bodies one at a time: each alone fits the in-flight byte budget or is refused as too
    // large, never for want of room.
    run(generate.bulk(9), 1, tallies);
    System.out.printf("HostileInputIT: after bulk, RSS %s%n", rss());
    // Many large bodies at once, past the in-flight byte budget: 503 with Retry-After allowed.
    run(generate.overload(240), 24, tallies);
    System.out.printf("HostileInputIT: after overload, RSS %s%n", rss());
    if (Boolean.getBoolean("hostile.pause")) {
      System.out.printf("HostileInputIT: server pid %d, pausing%n", server.pid());
      Thread.sleep(Long.getLong("hostile.pauseMillis", 60_000));
    }
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);

    double peakMiB = peakRssMiB();
    int total = tallies.values().stream().mapToInt(t -> t.sent.get()).sum();
    StringBuilder report = new StringBuilder();
    tallies.forEach(
        (kind, tally) ->
            report.append(
                String.format(
                    "  %-22s %6d sent, statuses %s%n", kind, tally.sent.get(), tally.statuses)));
    // A negative status counts 4xx answers without a JSON body (from Netty, not the server).
    System.out.printf(
        "HostileInputIT: %d requests in %d s, server peak RSS (VmHWM) %.0f MiB%n%s",
        total, seconds, peakMiB, report);

    assertThat(server.isAlive()).as("the server exited: %s", tail()).isTrue();
    for (Map.Entry<String, Tally> entry : tallies.entrySet()) {
      assertThat(entry.getValue().violations).as(entry.getKey()).isEmpty();
    }
    assertThat(total).isGreaterThanOrEqualTo(10_000);
    assertThat(peakMiB).isLessThan(400);
    assertThat(Files.readString(log)).doesNotContain("OutOfMemoryError");

    Reply after = http.exchange(normal.head(), normal.body(), Pacing.AT_ONCE);
    assertThat(after.status()).as(after.text()).isEqualTo(200);
    assertThat(outputs(after.text())).isEqualTo(outputs(before.text()));
  }

  /** The outputs of a JSON answer, without the generated id. */
  private static String outputs(String answer) {
    return answer.substring(answer.indexOf("\"outputs\""));
  }

  private static void run(List<Case> cases, int threads, Map<String, Tally> tallies)
      throws Exception {
    for (Case c : cases) {
      tallies.computeIfAbsent(c.kind(), k -> new Tally());
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Case c : cases) {
        Tally tally = tallies.get(c.kind());
        futures.add(pool.submit(() -> check(c, tally)));
      }
      for (Future<?> future : futures) {
        future.get(10, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void check(Case c, Tally tally) {
    tally.sent.incrementAndGet();
    Reply reply;
    try {
      reply = http.exchange(c.head(), c.body(), c.pacing());
    } catch (IOException e) {
      if (c.expect() != Expect.NONE) {
        tally.violations.add(e + " for " + describe(c));
      }
      return;
    }
    int status = reply.status();
    tally.statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
    boolean ok = status == 200;
    boolean refused = status >= 400 && status < 500;
    boolean fine =
        switch (c.expect()) {
          case OK -> ok;
          case REFUSED -> refused;
          case ANSWERED -> ok || refused;
          case NONE -> true;
          case OVERLOAD ->
              ok || refused || (status == 503 && "1".equals(reply.headers().get("retry-after")));
        };
    if (refused && !reply.text().startsWith("{\"error\":")) {
      // Netty's own refusals of unreadable HTTP (a bad Content-Length) carry no JSON body.
      tally.statuses.computeIfAbsent(-status, s -> new AtomicInteger()).incrementAndGet();
    }
    if (!fine) {
      tally.violations.add(status + " " + shorten(reply.text()) + " for " + describe(c));
    }
  }

  private static String describe(Case c) {
    return c.expect()
        + " "
        + shorten(c.head().replace("\r\n", " | "))
        + " body "
        + shorten(new String(c.body(), 0, Math.min(c.body().length, 300)));
  }

  private static String shorten(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }

  private static String rss() throws IOException {
    return Files.readAllLines(Path.of("/proc", Long.toString(server.pid()), "status")).stream()
        .filter(line -> line.startsWith("VmRSS:") || line.startsWith("VmHWM:"))
        .map(line -> line.replaceAll("\\s+", " "))
        .toList()
        .toString();
  }

  private static double peakRssMiB() throws IOException {
    for (String line :
        Files.readAllLines(Path.of("/proc", Long.toString(server.pid()), "status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
      }
    }
    throw new IllegalStateException("no VmHWM for the server process");
  }
}
