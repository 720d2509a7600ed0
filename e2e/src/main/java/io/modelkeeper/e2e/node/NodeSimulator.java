package io.modelkeeper.e2e.node;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The part of Kubernetes the local cluster lacks: Deployment, ReplicaSet and Job controllers,
 * PersistentVolumeClaims bound to directories, a kubelet that runs each pod's containers as local
 * processes on the pod's own loopback address, Service addresses and names ({@link
 * ServiceProxies}), hosts files that stand in for the cluster DNS of pod hostnames, and an
 * owner-reference garbage collector, and, when asked, the pods' scrape targets for Prometheus.
 * Informers on Deployments, ReplicaSets, Jobs, claims and Pods wake it; each pass reads the API
 * server afresh, so it never acts on a stale cache.
 */
public final class NodeSimulator implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(NodeSimulator.class.getName());
  private static final Duration RESYNC = Duration.ofSeconds(1);
  private static final Duration SWEEP = Duration.ofSeconds(2);

  private final KubernetesClient client;
  private final NodeConfig config;
  private final DeploymentController deployments;
  private final ReplicaSetController replicaSets;
  private final JobController jobs;
  private final ClaimController claims;
  private final OwnerCollector collector;
  private final PodAddresses addresses = new PodAddresses();
  private final PodHosts hosts = new PodHosts();
  private final ServiceProxies services;
  private final Map<String, RunningPod> pods = new ConcurrentHashMap<>();
  private final Set<Thread> stopping = ConcurrentHashMap.newKeySet();
  private final SynchronousQueue<Boolean> wakeUp = new SynchronousQueue<>();
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private final Thread loop;
  private volatile boolean closed;
  private volatile PodTargets scrapeTargets;
  private Instant lastSweep = Instant.EPOCH;

  private record RunningPod(String uid, PodRunner runner, Thread thread, AtomicBoolean freed) {}

  private NodeSimulator(KubernetesClient client, NodeConfig config) {
    this.client = client;
    this.config = config;
    this.deployments = new DeploymentController(client);
    this.replicaSets = new ReplicaSetController(client);
    this.jobs = new JobController(client);
    this.claims = new ClaimController(client, config);
    this.collector = new OwnerCollector(client);
    this.services = new ServiceProxies(client, config.hostsFile());
    this.loop = new Thread(this::runLoop, "node-simulator");
  }

  /**
   * The loopback /24 the pods' addresses are taken from ({@code MODELKEEPER_LOCAL_POD_NETWORK}).
   */
  public String podNetwork() {
    return addresses.network();
  }

  /** Starts watching; the client stays the caller's. */
  public static NodeSimulator start(KubernetesClient client, NodeConfig config) {
    NodeSimulator node = new NodeSimulator(client, config);
    ResourceEventHandler<Object> wake =
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Object obj) {
            node.wakeUp.offer(true);
          }

          @Override
          public void onUpdate(Object oldObj, Object newObj) {
            node.wakeUp.offer(true);
          }

          @Override
          public void onDelete(Object obj, boolean deletedFinalStateUnknown) {
            node.wakeUp.offer(true);
          }
        };
    node.informers.add(client.apps().deployments().inAnyNamespace().inform(castHandler(wake)));
    node.informers.add(client.apps().replicaSets().inAnyNamespace().inform(castHandler(wake)));
    node.informers.add(client.pods().inAnyNamespace().inform(castHandler(wake)));
    node.informers.add(client.batch().v1().jobs().inAnyNamespace().inform(castHandler(wake)));
    node.informers.add(client.persistentVolumeClaims().inAnyNamespace().inform(castHandler(wake)));
    node.loop.start();
    return node;
  }

  @SuppressWarnings("unchecked")
  private static <T> ResourceEventHandler<T> castHandler(ResourceEventHandler<Object> handler) {
    return (ResourceEventHandler<T>) (ResourceEventHandler<?>) handler;
  }

  private void runLoop() {
    while (!closed) {
      try {
        pass();
        wakeUp.poll(RESYNC.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (!closed) {
          LOG.log(Level.WARNING, "node simulator pass failed; retrying", e);
          sleepQuietly();
        }
      }
    }
  }

  private void pass() {
    List<Deployment> allDeployments =
        client.apps().deployments().inAnyNamespace().list().getItems();
    List<ReplicaSet> allReplicaSets =
        client.apps().replicaSets().inAnyNamespace().list().getItems();
    List<Pod> allPods = client.pods().inAnyNamespace().list().getItems();
    Map<String, List<Pod>> podsByOwner = byOwner(allPods);
    for (Deployment deployment : allDeployments) {
      if (deployment.getMetadata().getDeletionTimestamp() == null) {
        List<ReplicaSet> owned =
            ownedBy(allReplicaSets, deployment.getMetadata().getUid()).stream()
                .filter(rs -> rs.getMetadata().getDeletionTimestamp() == null)
                .toList();
        Map<String, List<Pod>> pods = new HashMap<>();
        owned.forEach(
            rs ->
                pods.put(
                    rs.getMetadata().getUid(),
                    podsByOwner.getOrDefault(rs.getMetadata().getUid(), List.of())));
        deployments.sync(deployment, owned, pods);
      }
    }
    for (ReplicaSet replicaSet : client.apps().replicaSets().inAnyNamespace().list().getItems()) {
      if (replicaSet.getMetadata().getDeletionTimestamp() == null) {
        replicaSets.sync(
            replicaSet, podsByOwner.getOrDefault(replicaSet.getMetadata().getUid(), List.of()));
      }
    }
    claims.sync(client.persistentVolumeClaims().inAnyNamespace().list().getItems());
    List<Pod> podsNow = client.pods().inAnyNamespace().list().getItems();
    Map<String, List<Pod>> podsByJob = byOwner(podsNow);
    for (Job job : client.batch().v1().jobs().inAnyNamespace().list().getItems()) {
      if (job.getMetadata().getDeletionTimestamp() == null) {
        jobs.sync(job, podsByJob.getOrDefault(job.getMetadata().getUid(), List.of()));
      }
    }
    List<Pod> current = client.pods().inAnyNamespace().list().getItems();
    runPods(current);
    hosts.write(current, client.services().inAnyNamespace().list().getItems(), this::podDir);
    PodTargets targets = scrapeTargets;
    if (targets != null) {
      targets.write(current);
    }
    services.sync(client.services().inAnyNamespace().list().getItems(), current);
    if (Duration.between(lastSweep, Instant.now()).compareTo(SWEEP) >= 0) {
      lastSweep = Instant.now();
      // Deployment -> ReplicaSet -> Pod: one sweep per level of the ownership chain.
      int collected = 0;
      for (int level = 0; level < 3; level++) {
        int swept = collector.sweep();
        collected += swept;
        if (swept == 0) {
          break;
        }
      }
      if (collected > 0) {
        runPods(client.pods().inAnyNamespace().list().getItems());
      }
    }
  }

  /** Live (not terminating) objects by the uid of each of their owners. */
  private static <T extends HasMetadata> Map<String, List<T>> byOwner(List<T> objects) {
    Map<String, List<T>> owned = new HashMap<>();
    for (T object : objects) {
      if (object.getMetadata().getDeletionTimestamp() != null
          || object.getMetadata().getOwnerReferences() == null) {
        continue;
      }
      for (var owner : object.getMetadata().getOwnerReferences()) {
        owned.computeIfAbsent(owner.getUid(), k -> new ArrayList<>()).add(object);
      }
    }
    return owned;
  }

  private static <T extends HasMetadata> List<T> ownedBy(List<T> objects, String uid) {
    return objects.stream()
        .filter(
            o ->
                o.getMetadata().getOwnerReferences() != null
                    && o.getMetadata().getOwnerReferences().stream()
                        .anyMatch(r -> Objects.equals(uid, r.getUid())))
        .toList();
  }

  /** The directory of a pod this node runs, or null. */
  private Path podDir(Pod pod) {
    String key = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    RunningPod running = pods.get(key);
    return running == null || !running.uid().equals(pod.getMetadata().getUid())
        ? null
        : config.podDir(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
  }

  /**
   * Starts a runner for each new pod and stops the runners of pods that are gone. A pod that ended
   * (Succeeded or Failed) before this node saw it is not run again.
   */
  private void runPods(List<Pod> current) {
    Set<String> alive = new HashSet<>();
    for (Pod pod : current) {
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      String key = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
      alive.add(key + "@" + pod.getMetadata().getUid());
      String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
      if (!pods.containsKey(key) && ("Succeeded".equals(phase) || "Failed".equals(phase))) {
        continue;
      }
      pods.computeIfAbsent(key, k -> startPod(pod));
    }
    for (var entry : pods.entrySet()) {
      if (!alive.contains(entry.getKey() + "@" + entry.getValue().uid())) {
        stopPod(entry.getKey(), entry.getValue());
      }
    }
  }

  private RunningPod startPod(Pod pod) {
    String ip = addresses.take();
    PodRunner runner = new PodRunner(client, PodContext.create(pod, ip, config));
    AtomicBoolean freed = new AtomicBoolean();
    Thread thread =
        new Thread(
            () -> {
              runner.run();
              // A pod that ended frees its address, as a finished pod's sandbox is torn down.
              if (runner.finished()) {
                free(freed, ip);
              }
            },
            "pod-" + pod.getMetadata().getName());
    thread.setDaemon(true);
    thread.start();
    LOG.fine(() -> "started pod " + pod.getMetadata().getName() + " on " + ip);
    return new RunningPod(pod.getMetadata().getUid(), runner, thread, freed);
  }

  private void free(AtomicBoolean freed, String ip) {
    if (freed.compareAndSet(false, true)) {
      addresses.give(ip);
    }
  }

  private void stopPod(String key, RunningPod running) {
    pods.remove(key, running);
    running.runner().stop();
    // Stopping waits out the grace period; the address is free only once the process is gone.
    stopping.add(running.thread());
    Thread reaper =
        new Thread(
            () -> {
              try {
                running.thread().join();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              stopping.remove(running.thread());
              free(running.freed(), running.runner().ip());
            },
            "stop-" + key);
    reaper.setDaemon(true);
    reaper.start();
  }

  /**
   * From now on keeps {@code file} current with the scrape targets of every pod, in the format of
   * Prometheus' {@code file_sd_configs} and with the labels its Kubernetes pod discovery gives
   * ({@link PodTargets}); it is rewritten within a second of a pod's coming, going or change.
   */
  public void publishScrapeTargets(Path file) {
    PodTargets targets = new PodTargets(file);
    targets.write(client.pods().inAnyNamespace().list().getItems());
    scrapeTargets = targets;
  }

  /** Pods this node runs now, as namespace/name. */
  public Set<String> runningPods() {
    return Set.copyOf(pods.keySet());
  }

  /** True while a deleted pod's processes are still being stopped. */
  public boolean stoppingPods() {
    return stopping.stream().anyMatch(Thread::isAlive);
  }

  public NodeConfig config() {
    return config;
  }

  private void sleepQuietly() {
    try {
      Thread.sleep(RESYNC.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops every pod process and waits for them to end. */
  @Override
  public void close() {
    closed = true;
    loop.interrupt();
    informers.forEach(SharedIndexInformer::close);
    try {
      loop.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    services.close();
    List<RunningPod> running = new ArrayList<>(pods.values());
    pods.clear();
    running.forEach(p -> p.runner().stop());
    List<Thread> threads = new ArrayList<>(stopping);
    running.forEach(p -> threads.add(p.thread()));
    for (Thread thread : threads) {
      try {
        // A runner stops its processes with SIGTERM, then SIGKILL after 10 s.
        thread.join(15_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
