package io.modelkeeper.e2e.scenarios;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelkeeper.e2e.cluster.Kubectl;
import io.modelkeeper.e2e.cluster.LocalCluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The local cluster started in the test JVM (API server, model repository, node) plus the operator
 * jar.
 */
final class LocalClusterUnderTest implements ClusterUnderTest {

  /** Where the local node writes the address of a Service's stand-in for its cluster IP. */
  private static final String LOCAL_ADDRESS = "local.modelkeeper.io/address";

  private final LocalCluster cluster;

  private LocalClusterUnderTest(LocalCluster cluster) {
    this.cluster = cluster;
  }

  static LocalClusterUnderTest start(
      Path projectDir, Path stateDir, Duration reconcileInterval, boolean withPrometheus) {
    return new LocalClusterUnderTest(
        LocalCluster.start(
            new LocalCluster.Layout(projectDir, stateDir),
            true,
            reconcileInterval,
            withPrometheus,
            line -> System.out.println("[local cluster] " + line)));
  }

  LocalCluster cluster() {
    return cluster;
  }

  @Override
  public KubernetesClient client() {
    return cluster.client();
  }

  @Override
  public Kubectl kubectl() {
    return cluster.kubectl();
  }

  @Override
  public String modelBaseUrl() {
    return cluster.repository().url();
  }

  @Override
  public Path modelsDir() {
    return cluster.layout().modelsDir();
  }

  @Override
  public String podBaseUrl(Pod pod) {
    return "http://" + pod.getStatus().getPodIP() + ":8080";
  }

  @Override
  public String serviceBaseUrl(String namespace, String name) {
    String address =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  Service service = client().services().inNamespace(namespace).withName(name).get();
                  return service == null || service.getMetadata().getAnnotations() == null
                      ? null
                      : service.getMetadata().getAnnotations().get(LOCAL_ADDRESS);
                },
                Objects::nonNull);
    return "http://" + address.split(",")[0];
  }

  @Override
  public boolean runsLocalProcesses() {
    return true;
  }

  @Override
  public String diagnostics() {
    StringBuilder text = new StringBuilder("--- operator log (last 80 lines) ---\n");
    text.append(cluster.operator() == null ? "(no operator)" : cluster.operator().tail(80))
        .append('\n');
    if (cluster.prometheus() != null) {
      text.append("--- prometheus log (last 30 lines) ---\n")
          .append(cluster.prometheus().tail(30))
          .append('\n');
    }
    Path pods = cluster.layout().stateDir().resolve("pods");
    if (Files.isDirectory(pods)) {
      try (Stream<Path> logs = Files.walk(pods, 2)) {
        for (Path log : logs.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
          List<String> lines = Files.readAllLines(log);
          text.append("--- ")
              .append(pods.relativize(log))
              .append(" (last 20 lines) ---\n")
              .append(
                  String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())))
              .append('\n');
        }
      } catch (IOException e) {
        text.append("(cannot read pod logs: ").append(e.getMessage()).append(")\n");
      }
    }
    return text.toString();
  }

  /** Every log the cluster wrote: the operator's and each container's. */
  List<Path> logs() throws IOException {
    List<Path> logs = new java.util.ArrayList<>(List.of(cluster.operator().log()));
    Path pods = cluster.layout().stateDir().resolve("pods");
    if (Files.isDirectory(pods)) {
      try (Stream<Path> files = Files.walk(pods, 2)) {
        files.filter(p -> p.toString().endsWith(".log")).sorted().forEach(logs::add);
      }
    }
    return logs;
  }

  /** The operator's reconciles so far, from its own {@code /q/metrics}. */
  long operatorReconciles() throws IOException, InterruptedException {
    String metrics =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(cluster.operator().url() + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher line =
        Pattern.compile("(?m)^modelkeeper_operator_reconciles_total\\{[^}]*} ([0-9.eE+]+)$")
            .matcher(metrics);
    double total = 0;
    while (line.find()) {
      total += Double.parseDouble(line.group(1));
    }
    return (long) total;
  }

  @Override
  public void close() {
    cluster.close();
  }
}
