package io.modelkeeper.e2e.api;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * The fabric8 mock API server's CRUD store behind an HTTP server on 127.0.0.1 (plain HTTP), with
 * the discovery, streamed watches and logs that let the real kubectl drive it. It installs the CRDs
 * found in a directory and writes a kubeconfig for kubectl, the operator and the scenarios.
 */
public final class LocalApiServer implements AutoCloseable {

  public static final String NAMESPACE = "default";

  private final ApiHttpServer server;
  private final RequestLog requests;
  private final InjectedConflicts conflicts;

  private LocalApiServer(ApiHttpServer server, RequestLog requests, InjectedConflicts conflicts) {
    this.server = server;
    this.requests = requests;
    this.conflicts = conflicts;
  }

  /**
   * Starts on a free loopback port and installs every CRD YAML file in {@code crdDir} (if it
   * exists).
   */
  public static LocalApiServer start(Path crdDir) {
    return start(crdDir, null);
  }

  /**
   * As {@link #start(Path)}, answering {@code kubectl logs} from the local node's pod directory.
   */
  public static LocalApiServer start(Path crdDir, Path podLogs) {
    KubernetesCrudDispatcher store = new KubernetesCrudDispatcher(List.of());
    RequestLog requests = new RequestLog();
    InjectedConflicts conflicts = new InjectedConflicts();
    LocalApiServer api =
        new LocalApiServer(
            ApiHttpServer.start(new KubectlDispatcher(store, podLogs, conflicts), requests),
            requests,
            conflicts);
    try (KubernetesClient client = api.client()) {
      // The namespaces a new cluster has; the operator's own namespace comes with its install
      // manifest.
      for (String namespace : List.of("default", "kube-system", "kube-public", "kube-node-lease")) {
        client
            .namespaces()
            .resource(
                new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
            .create();
      }
      for (CustomResourceDefinition crd : readCrds(crdDir)) {
        client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
      }
    }
    return api;
  }

  static List<CustomResourceDefinition> readCrds(Path crdDir) {
    List<CustomResourceDefinition> crds = new ArrayList<>();
    if (crdDir == null || !Files.isDirectory(crdDir)) {
      return crds;
    }
    try (Stream<Path> files = Files.list(crdDir)) {
      for (Path file : files.filter(f -> f.toString().matches(".*\\.ya?ml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          Object parsed = Serialization.unmarshal(in);
          List<?> objects = parsed instanceof List<?> list ? list : List.of(parsed);
          for (Object object : objects) {
            if (object instanceof CustomResourceDefinition crd) {
              crds.add(crd);
            } else if (object instanceof HasMetadata other) {
              throw new IllegalArgumentException(
                  file + " holds a " + other.getKind() + ", not a CustomResourceDefinition");
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return crds;
  }

  /** The server URL, {@code http://127.0.0.1:<port>}. */
  public String url() {
    return "http://127.0.0.1:" + server.port();
  }

  /** The requests answered so far, by client, verb and resource. */
  public RequestLog requests() {
    return requests;
  }

  /**
   * Fault injection: the writes to answer 409 Conflict, as a real server answers a stale write
   * (also over HTTP at {@value InjectedConflicts#PATH}).
   */
  public InjectedConflicts conflicts() {
    return conflicts;
  }

  /** A new client for this server; the caller closes it. */
  public KubernetesClient client() {
    return new KubernetesClientBuilder().withConfig(clientConfig(url())).build();
  }

  static Config clientConfig(String url) {
    Config config = Config.empty();
    config.setMasterUrl(url);
    config.setNamespace(NAMESPACE);
    config.setHttp2Disable(true);
    return config;
  }

  /** Writes a kubeconfig that points kubectl and fabric8 clients at this server. */
  public Path writeKubeconfig(Path file) {
    String yaml =
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: modelkeeper-local
          cluster:
            server: %s
        contexts:
        - name: modelkeeper-local
          context:
            cluster: modelkeeper-local
            user: modelkeeper-local
            namespace: %s
        current-context: modelkeeper-local
        users:
        - name: modelkeeper-local
          user: {}
        """
            .formatted(url(), NAMESPACE);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  @Override
  public void close() {
    server.close();
  }

  /** {@code LocalApiServer <kubeconfig-file> [crd-dir]}: serves until stopped. */
  public static void main(String[] args) throws InterruptedException {
    if (args.length < 1) {
      System.err.println("usage: LocalApiServer <kubeconfig-file-to-write> [crd-dir]");
      System.exit(2);
    }
    LocalApiServer api = start(args.length > 1 ? Path.of(args[1]) : null);
    Runtime.getRuntime().addShutdownHook(new Thread(api::close));
    api.writeKubeconfig(Path.of(args[0]));
    System.out.println("local API server at " + api.url() + ", kubeconfig " + args[0]);
    new CountDownLatch(1).await();
  }
}
