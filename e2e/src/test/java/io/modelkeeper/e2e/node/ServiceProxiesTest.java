package io.modelkeeper.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelkeeper.e2e.api.LocalApiServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local kube-proxy: a Service's address hands connections to its ready pods in turn, never to a
 * pod that is not ready; a headless Service's name lists its pods in the pods' hosts file.
 */
class ServiceProxiesTest {
  private static final String NETWORK = "127.0.250.";

  @TempDir Path dir;
  private LocalApiServer api;
  private KubernetesClient client;
  private ServiceProxies proxies;
  private final List<ServerSocket> podSockets = new ArrayList<>();
  private int port;

  @BeforeEach
  void start() throws IOException {
    api = LocalApiServer.start(Files.createDirectories(dir.resolve("crds")));
    client = api.client();
    proxies = new ServiceProxies(client, dir.resolve("hosts"));
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(NETWORK + "1"))) {
      port = probe.getLocalPort();
    }
    for (String name : List.of("a", "b", "c")) {
      podSockets.add(answering(NETWORK + (podSockets.size() + 1), name));
    }
  }

  @AfterEach
  void stop() throws IOException {
    proxies.close();
    for (ServerSocket socket : podSockets) {
      socket.close();
    }
    client.close();
    api.close();
  }

  /** A "pod" that writes its name on every connection and hangs up. */
  private ServerSocket answering(String ip, String name) throws IOException {
    ServerSocket socket = new ServerSocket(port, 16, InetAddress.getByName(ip));
    Thread thread =
        new Thread(
            () -> {
              while (!socket.isClosed()) {
                try (Socket connection = socket.accept()) {
                  connection.getOutputStream().write(name.getBytes(StandardCharsets.UTF_8));
                } catch (IOException closed) {
                  return;
                }
              }
            });
    thread.setDaemon(true);
    thread.start();
    return socket;
  }

  private static Pod pod(String name, String ip, boolean ready) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .withLabels(Map.of("app", "fraud"))
        .endMetadata()
        .withNewStatus()
        .withPodIP(ip)
        .addNewCondition()
        .withType("Ready")
        .withStatus(ready ? "True" : "False")
        .endCondition()
        .endStatus()
        .build();
  }

  private Service service(String name, String clusterIp) {
    return client
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("default")
                .endMetadata()
                .withNewSpec()
                .withClusterIP(clusterIp)
                .withPublishNotReadyAddresses("None".equals(clusterIp))
                .withSelector(Map.of("app", "fraud"))
                .addNewPort()
                .withPort(80)
                .withTargetPort(new IntOrString(port))
                .endPort()
                .endSpec()
                .build())
        .create();
  }

  private static String read(String address) throws IOException {
    String[] hostPort = address.split(":");
    try (Socket socket = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void connectionsGoToTheReadyPodsInTurnAndHeadlessNamesListThePods() throws IOException {
    service("fraud", null);
    service("fraud-pods", "None");
    List<Pod> pods =
        List.of(
            pod("a", NETWORK + "1", true),
            pod("b", NETWORK + "2", true),
            pod("c", NETWORK + "3", false));

    proxies.sync(client.services().inNamespace("default").list().getItems(), pods);

    String address =
        client
            .services()
            .inNamespace("default")
            .withName("fraud")
            .get()
            .getMetadata()
            .getAnnotations()
            .get(ServiceProxies.ADDRESS_ANNOTATION);
    assertThat(address).matches("127\\.0\\.0\\.1:\\d+");
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      answers.add(read(address));
    }
    assertThat(answers).containsExactly("a", "b", "a", "b");
    assertThat(Files.readString(dir.resolve("hosts")))
        .contains(NETWORK + "1 fraud-pods.default.svc\n")
        .contains(NETWORK + "3 fraud-pods.default.svc.cluster.local\n")
        .contains("127.0.0.1 localhost");

    proxies.sync(
        client.services().inNamespace("default").list().getItems(),
        List.of(pod("a", NETWORK + "1", false)));
    assertThat(read(address)).as("no ready pod: the connection is refused").isEmpty();
  }
}
