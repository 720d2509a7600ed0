package io.modelkeeper.e2e.node;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The local cluster's kube-proxy and cluster DNS. Every Service with a selector and a cluster IP
 * gets a listener on 127.0.0.1 per port, named in the annotation {@value #ADDRESS_ANNOTATION}
 * ({@code 127.0.0.1:<port>}, several comma-separated in the order of the Service's ports), that
 * hands each TCP connection to the next ready pod matching the selector, in turn. The names of
 * headless Services ({@code <name>.<namespace>.svc} and {@code ….svc.cluster.local}) resolve to
 * their pods' IPs (not-ready ones too with {@code publishNotReadyAddresses}) in the pods' JVMs,
 * through a hosts file given to them as {@code jdk.net.hosts.file}.
 */
final class ServiceProxies implements AutoCloseable {

  static final String ADDRESS_ANNOTATION = "local.modelkeeper.io/address";
  private static final Logger LOG = Logger.getLogger(ServiceProxies.class.getName());
  private static final int CONNECT_TIMEOUT_MILLIS = 2000;

  private final KubernetesClient client;
  private final Path hostsFile;
  private final Map<String, List<Listener>> listeners = new HashMap<>();
  private String hosts = "";

  ServiceProxies(KubernetesClient client, Path hostsFile) {
    this.client = client;
    this.hostsFile = hostsFile;
    // The names of Services of an earlier run on this state directory are not valid any more.
    hosts = null;
    writeHosts(hostsLines(Map.of()));
  }

  /** The hosts file that pod JVMs resolve names with. */
  Path hostsFile() {
    return hostsFile;
  }

  /** Brings listeners, their pods and the hosts file in line with the Services and pods. */
  synchronized void sync(List<Service> services, List<Pod> pods) {
    Set<String> seen = new TreeSet<>();
    Map<String, Set<String>> names = new TreeMap<>();
    for (Service service : services) {
      Map<String, String> selector = service.getSpec().getSelector();
      if (service.getMetadata().getDeletionTimestamp() != null
          || selector == null
          || selector.isEmpty()) {
        continue;
      }
      List<Pod> selected = selected(service, selector, pods);
      if ("None".equals(service.getSpec().getClusterIP())) {
        boolean notReadyToo = Boolean.TRUE.equals(service.getSpec().getPublishNotReadyAddresses());
        Set<String> ips = new TreeSet<>();
        selected.stream()
            .filter(pod -> notReadyToo || ready(pod))
            .forEach(pod -> ips.add(pod.getStatus().getPodIP()));
        String name = service.getMetadata().getName() + "." + service.getMetadata().getNamespace();
        names.put(name + ".svc", ips);
        names.put(name + ".svc.cluster.local", ips);
        continue;
      }
      String key = service.getMetadata().getNamespace() + "/" + service.getMetadata().getUid();
      seen.add(key);
      List<Listener> own = listeners.computeIfAbsent(key, k -> open(service));
      List<Pod> ready = selected.stream().filter(ServiceProxies::ready).toList();
      List<ServicePort> ports = service.getSpec().getPorts();
      for (int i = 0; i < own.size() && i < ports.size(); i++) {
        List<InetSocketAddress> backends = new ArrayList<>();
        for (Pod pod : ready) {
          backends.add(
              new InetSocketAddress(pod.getStatus().getPodIP(), targetPort(ports.get(i), pod)));
        }
        own.get(i).backends = List.copyOf(backends);
      }
      annotate(service, own);
    }
    for (String gone : new ArrayList<>(listeners.keySet())) {
      if (!seen.contains(gone)) {
        listeners.remove(gone).forEach(Listener::close);
      }
    }
    writeHosts(hostsLines(names));
  }

  private static List<Pod> selected(Service service, Map<String, String> selector, List<Pod> pods) {
    return pods.stream()
        .filter(pod -> pod.getMetadata().getDeletionTimestamp() == null)
        .filter(
            pod -> service.getMetadata().getNamespace().equals(pod.getMetadata().getNamespace()))
        .filter(pod -> pod.getMetadata().getLabels() != null)
        .filter(pod -> pod.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
        .filter(pod -> pod.getStatus() != null && pod.getStatus().getPodIP() != null)
        .toList();
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** The pod port a Service port sends to: a number, a container port's name, or its own port. */
  static int targetPort(ServicePort port, Pod pod) {
    IntOrString target = port.getTargetPort();
    if (target == null) {
      return port.getPort();
    }
    if (target.getIntVal() != null) {
      return target.getIntVal();
    }
    return pod.getSpec().getContainers().stream()
        .filter(c -> c.getPorts() != null)
        .flatMap(c -> c.getPorts().stream())
        .filter(p -> Objects.equals(target.getStrVal(), p.getName()))
        .map(ContainerPort::getContainerPort)
        .findFirst()
        .orElse(port.getPort());
  }

  private List<Listener> open(Service service) {
    List<Listener> opened = new ArrayList<>();
    String name = service.getMetadata().getNamespace() + "/" + service.getMetadata().getName();
    for (ServicePort port : service.getSpec().getPorts()) {
      try {
        opened.add(new Listener(name + ":" + port.getPort()));
      } catch (IOException e) {
        LOG.log(Level.WARNING, "no local address for Service " + name, e);
      }
    }
    return opened;
  }

  private void annotate(Service service, List<Listener> own) {
    String address =
        String.join(",", own.stream().map(l -> "127.0.0.1:" + l.socket.getLocalPort()).toList());
    Map<String, String> annotations = service.getMetadata().getAnnotations();
    if (annotations != null && address.equals(annotations.get(ADDRESS_ANNOTATION))) {
      return;
    }
    try {
      client
          .services()
          .inNamespace(service.getMetadata().getNamespace())
          .withName(service.getMetadata().getName())
          .edit(
              s -> {
                if (s.getMetadata().getAnnotations() == null) {
                  s.getMetadata().setAnnotations(new HashMap<>());
                }
                s.getMetadata().getAnnotations().put(ADDRESS_ANNOTATION, address);
                return s;
              });
    } catch (KubernetesClientException e) {
      // A conflict or a deletion: the next pass looks again.
      LOG.log(Level.FINE, "could not annotate Service " + service.getMetadata().getName(), e);
    }
  }

  private static String hostsLines(Map<String, Set<String>> names) {
    StringBuilder text =
        new StringBuilder("# written by the local node: headless Services and their pods\n");
    text.append("127.0.0.1 localhost\n");
    names.forEach(
        (name, ips) -> ips.forEach(ip -> text.append(ip).append(' ').append(name).append('\n')));
    return text.toString();
  }

  private void writeHosts(String text) {
    if (text.equals(hosts)) {
      return;
    }
    try {
      Files.createDirectories(hostsFile.getParent());
      Path next = hostsFile.resolveSibling(hostsFile.getFileName() + ".next");
      Files.writeString(next, text, StandardCharsets.UTF_8);
      Files.move(
          next, hostsFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      hosts = text;
    } catch (IOException e) {
      LOG.log(Level.WARNING, "could not write " + hostsFile, e);
    }
  }

  @Override
  public synchronized void close() {
    listeners.values().forEach(own -> own.forEach(Listener::close));
    listeners.clear();
  }

  /** One Service port: accepts connections and joins each to the next ready pod. */
  private static final class Listener {
    private final ServerSocket socket;
    private final AtomicInteger next = new AtomicInteger();
    private volatile List<InetSocketAddress> backends = List.of();

    Listener(String name) throws IOException {
      socket = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
      Thread accept = new Thread(this::accept, "service-" + name);
      accept.setDaemon(true);
      accept.start();
    }

    private void accept() {
      while (!socket.isClosed()) {
        Socket caller;
        try {
          caller = socket.accept();
        } catch (IOException e) {
          return;
        }
        List<InetSocketAddress> now = backends;
        if (now.isEmpty()) {
          // Like a Service without endpoints: the connection is refused at once.
          closeQuietly(caller);
          continue;
        }
        InetSocketAddress pod = now.get(Math.floorMod(next.getAndIncrement(), now.size()));
        Thread join = new Thread(() -> join(caller, pod), "service-connection");
        join.setDaemon(true);
        join.start();
      }
    }

    private static void join(Socket caller, InetSocketAddress pod) {
      try (caller;
          Socket backend = new Socket()) {
        backend.connect(pod, CONNECT_TIMEOUT_MILLIS);
        Thread back = new Thread(() -> pump(backend, caller), "service-connection-back");
        back.setDaemon(true);
        back.start();
        pump(caller, backend);
        back.join();
      } catch (IOException e) {
        LOG.log(Level.FINE, "service connection to " + pod + " ended", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** Copies until the end of {@code from}, then half-closes {@code to}. */
    private static void pump(Socket from, Socket to) {
      byte[] buffer = new byte[16 * 1024];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        for (int n; (n = in.read(buffer)) >= 0; ) {
          out.write(buffer, 0, n);
          out.flush();
        }
        to.shutdownOutput();
      } catch (IOException e) {
        closeQuietly(to);
        closeQuietly(from);
      }
    }

    void close() {
      closeQuietly(socket);
    }

    private static void closeQuietly(AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception ignored) {
        // already closed
      }
    }
  }
}
