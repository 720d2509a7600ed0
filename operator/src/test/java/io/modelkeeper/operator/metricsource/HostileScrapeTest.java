package io.modelkeeper.operator.metricsource;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.modelkeeper.operator.testing.TestModels;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A model-server pod is a tenant's process: one that trickles its /metrics or answers a gigabyte
 * costs the operator one bounded miss, not a stuck reconcile thread or its heap.
 */
class HostileScrapeTest {

  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void aPodThatTricklesItsAnswerIsAMissByTheDeadline() throws IOException {
    int port =
        serve(
            out -> {
              for (int i = 0; i < 600; i++) {
                out.write('#');
                out.flush();
                sleep(100);
              }
            });
    long start = System.nanoTime();
    ArmMetrics read = read(port);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(read.measured()).isFalse();
    assertThat(took).isLessThan(PodMetricsSource.DEADLINE.plusSeconds(2));
  }

  @Test
  void aPodThatAnswersAGigabyteIsRefusedUnread() throws IOException {
    byte[] line = "# filler line of a hostile pod's metrics\n".getBytes(StandardCharsets.UTF_8);
    AtomicLong sent = new AtomicLong();
    int port =
        serve(
            out -> {
              for (long i = 0; i < (1L << 30); i += line.length) {
                out.write(line);
                sent.addAndGet(line.length);
              }
            });
    long start = System.nanoTime();
    ArmMetrics read = read(port);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(read.measured()).isFalse();
    assertThat(took).isLessThan(PodMetricsSource.DEADLINE.plusSeconds(2));
    // The operator hung up after the cap: the pod got no further than the cap and the buffers.
    sleep(500);
    assertThat(sent.get()).as("bytes the pod could send").isLessThan(64L << 20);
  }

  @Test
  void baselinesOfPodsThatWentAreDropped() throws IOException {
    int port =
        serve(
            out ->
                out.write(
                    "modelkeeper_requests_total{outcome=\"success\"} 5\n"
                        .getBytes(StandardCharsets.UTF_8)));
    PodMetricsSource source = new PodMetricsSource(new ScrapeToken(null), port);
    var md = TestModels.model("pruned", "1");
    var file = TestModels.file("pruned", "1");
    source.read(md, file, List.of(pod("a"), pod("b")), Duration.ofSeconds(30));
    assertThat(source.podBaselines()).isEqualTo(2);
    source.read(md, file, List.of(pod("b")), Duration.ofSeconds(30));
    assertThat(source.podBaselines()).isEqualTo(1);
  }

  private ArmMetrics read(int port) {
    return new PodMetricsSource(new ScrapeToken(null), port)
        .read(
            TestModels.model("hostile", "1"),
            TestModels.file("hostile", "1"),
            List.of(pod("hostile-pod")),
            Duration.ofSeconds(30));
  }

  private static Pod pod(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withUid("uid-" + name)
        .endMetadata()
        .withNewStatus()
        .withPhase("Running")
        .withPodIP("127.0.0.1")
        .endStatus()
        .build();
  }

  private interface Body {
    void write(OutputStream out) throws IOException;
  }

  private int serve(Body body) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.createContext(
        "/metrics",
        exchange -> {
          try (exchange) {
            exchange.sendResponseHeaders(200, 0);
            body.write(exchange.getResponseBody());
          } catch (IOException e) {
            // the operator hung up, as it should
          }
        });
    server.start();
    return server.getAddress().getPort();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
