package io.modelkeeper.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.modelkeeper.e2e.RequiredTools;
import io.modelkeeper.e2e.api.LocalApiServer;
import io.modelkeeper.e2e.cluster.Kubectl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * batch/v1 Jobs and PersistentVolumeClaims on the local node, driven with kubectl: their pods run
 * as real processes of the {@value LocalImage#EXEC_IMAGE} image ({@code sh}, and a JVM for the
 * two-worker Job), their exit codes become pod phases and Job conditions.
 */
class KubectlJobsTest {

  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final String EXEC = LocalImage.EXEC_IMAGE + ":latest";

  @TempDir static Path dir;
  static LocalApiServer api;
  static NodeSimulator node;
  static Kubectl kubectl;
  static KubernetesClient client;

  @BeforeAll
  static void start() {
    Path binary = RequiredTools.kubectl("the local Job tests");
    Path state = dir.resolve("state");
    api = LocalApiServer.start(null, state.resolve("pods"));
    client = api.client();
    node =
        NodeSimulator.start(
            client,
            NodeConfig.defaults(
                state.resolve("no-model-server.jar"), state.resolve("no-trainer.jar"), state));
    kubectl =
        new Kubectl(binary, api.writeKubeconfig(dir.resolve("kubeconfig")), dir.resolve("cache"));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
    if (client != null) {
      client.close();
    }
    if (api != null) {
      api.close();
    }
  }

  private static String job(String name, String spec, String podSpec) {
    return """
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: %s
        spec:
        %s
          template:
            spec:
        %s
        """
        .formatted(name, spec.indent(2).stripTrailing(), podSpec.indent(6).stripTrailing());
  }

  private static String shell(String restartPolicy, String script, String extra) {
    return """
        restartPolicy: %s
        containers:
        - name: main
          image: %s
          command: ["sh", "-c", %s]
        %s
        """
        .formatted(
            restartPolicy,
            EXEC,
            "\"" + script.replace("\\", "\\\\").replace("\"", "\\\"") + "\"",
            extra.indent(2).stripTrailing());
  }

  private static void apply(String yaml) {
    kubectl.runWithInput(yaml, "apply", "--validate=false", "-f", "-").orThrow();
  }

  private static List<Pod> podsOf(String job) {
    return client.pods().withLabel("batch.kubernetes.io/job-name", job).list().getItems();
  }

  private static ContainerStateTerminated terminated(Pod pod) {
    return pod.getStatus().getContainerStatuses().get(0).getState().getTerminated();
  }

  @Test
  void aJobRunsToCompletionWithItsLogsAndTerminationMessage() {
    apply(
        job(
            "hello",
            "backoffLimit: 0",
            shell(
                "Never",
                "echo step 1; sleep 2; echo step 2 >&2;"
                    + " echo '{\"accuracy\":0.9}' > \"$SUMMARY\"; echo \"$POD\" > who",
                """
                workingDir: /workspace
                env:
                - name: SUMMARY
                  value: /dev/termination-log
                - name: POD
                  valueFrom:
                    fieldRef:
                      fieldPath: metadata.name
                """)));
    // As on a real cluster, a container's log can be followed once it has started.
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                podsOf("hello").stream().anyMatch(p -> "Running".equals(p.getStatus().getPhase())));
    try (Kubectl.Background follow = kubectl.start("logs", "-f", "job/hello")) {
      kubectl.run("wait", "--for=condition=complete", "job/hello", "--timeout=60s").orThrow();
      await().atMost(PATIENCE).until(() -> !follow.alive());
      assertThat(follow.output()).contains("step 1").contains("step 2");
    }
    Pod pod = podsOf("hello").get(0);
    assertThat(pod.getStatus().getPhase()).isEqualTo("Succeeded");
    assertThat(terminated(pod).getExitCode()).isZero();
    assertThat(terminated(pod).getReason()).isEqualTo("Completed");
    assertThat(terminated(pod).getMessage()).isEqualTo("{\"accuracy\":0.9}\n");
    // The working directory is the container's own, in the pod's directory.
    assertThat(
            dir.resolve("state/pods/default_" + pod.getMetadata().getName())
                .resolve("rootfs/main/workspace/who"))
        .hasContent(pod.getMetadata().getName());

    assertThat(kubectl.run("logs", "job/hello").orThrow()).contains("step 1");
    assertThat(kubectl.run("get", "jobs").orThrow())
        .containsPattern("hello\\s+Complete\\s+1/1\\s+\\d+s\\s+\\d+s");
    assertThat(kubectl.run("get", "pods", "-l", "job-name=hello").orThrow())
        .containsPattern("hello-\\w{5}\\s+0/1\\s+Completed\\s+0");
    String described = kubectl.run("describe", "job", "hello").orThrow();
    assertThat(described)
        .contains("batch.kubernetes.io/controller-uid=")
        .containsPattern("Pods Statuses:\\s+0 Active.*1 Succeeded / 0 Failed")
        .contains("SuccessfulCreate")
        .contains("Completed");
  }

  @Test
  void failedPodsAreRetriedUntilTheBackoffLimitWithTheLogTailAsMessage() {
    apply(
        job(
            "flaky",
            "backoffLimit: 1",
            shell(
                "Never",
                "echo trying; echo 'cannot read the dataset' >&2; exit 3",
                "terminationMessagePolicy: FallbackToLogsOnError")));
    // The second pod comes after the controller's 10 s back-off.
    kubectl.run("wait", "--for=condition=failed", "job/flaky", "--timeout=60s").orThrow();
    List<Pod> pods = podsOf("flaky");
    assertThat(pods).hasSize(2);
    assertThat(pods)
        .allSatisfy(
            p -> {
              assertThat(p.getStatus().getPhase()).isEqualTo("Failed");
              assertThat(terminated(p).getExitCode()).isEqualTo(3);
              assertThat(terminated(p).getReason()).isEqualTo("Error");
              assertThat(terminated(p).getMessage()).isEqualTo("trying\ncannot read the dataset\n");
            });
    assertThat(
            kubectl
                .run(
                    "get",
                    "job",
                    "flaky",
                    "-o",
                    "jsonpath={.status.conditions[?(@.type==\"Failed\")].reason}")
                .orThrow())
        .isEqualTo("BackoffLimitExceeded");
    assertThat(kubectl.run("get", "jobs", "flaky").orThrow())
        .containsPattern("flaky\\s+Failed\\s+0/1");
    assertThat(kubectl.run("logs", pods.get(0).getMetadata().getName()).orThrow())
        .contains("cannot read the dataset");
  }

  @Test
  void onFailureRestartsTheFailedContainerInThePodUntilItSucceeds() {
    apply(
        job(
            "retry",
            "backoffLimit: 3",
            shell(
                "OnFailure",
                "if [ -f tried ]; then echo second try; else touch tried; echo first try; exit 1;"
                    + " fi",
                "")));
    // One pod, its container restarted after the kubelet's 10 s back-off.
    kubectl.run("wait", "--for=condition=complete", "job/retry", "--timeout=60s").orThrow();
    List<Pod> pods = podsOf("retry");
    assertThat(pods).hasSize(1);
    assertThat(pods.get(0).getStatus().getPhase()).isEqualTo("Succeeded");
    assertThat(pods.get(0).getStatus().getContainerStatuses().get(0).getRestartCount())
        .isEqualTo(1);
    assertThat(kubectl.run("logs", "job/retry").orThrow()).contains("first try", "second try");
  }

  @Test
  void thePodsOwnActiveDeadlineFailsIt() {
    apply(
        """
        apiVersion: v1
        kind: Pod
        metadata:
          name: bounded
        spec:
          restartPolicy: Always
          activeDeadlineSeconds: 2
          containers:
          - name: main
            image: %s
            command: ["sleep", "619"]
        """
            .formatted(EXEC));
    kubectl
        .run("wait", "--for=jsonpath={.status.phase}=Failed", "pod/bounded", "--timeout=60s")
        .orThrow();
    assertThat(kubectl.run("get", "pod", "bounded").orThrow())
        .containsPattern("bounded\\s+0/1\\s+DeadlineExceeded");
    assertThat(sleeping("619")).isFalse();
  }

  @Test
  void theActiveDeadlineStopsTheJobsProcesses() {
    apply(job("slow", "activeDeadlineSeconds: 3", shell("Never", "sleep 617", "")));
    await().atMost(PATIENCE).until(() -> sleeping("617"));
    kubectl.run("wait", "--for=condition=failed", "job/slow", "--timeout=60s").orThrow();
    assertThat(
            kubectl
                .run(
                    "get",
                    "job",
                    "slow",
                    "-o",
                    "jsonpath={.status.conditions[?(@.type==\"Failed\")].reason}")
                .orThrow())
        .isEqualTo("DeadlineExceeded");
    await().atMost(PATIENCE).until(() -> podsOf("slow").isEmpty() && !sleeping("617"));
  }

  private static boolean sleeping(String marker) {
    return ProcessHandle.allProcesses()
        .anyMatch(
            p -> p.info().commandLine().map(c -> c.contains("sleep " + marker)).orElse(false));
  }

  @Test
  void indexedWorkersFindEachOtherByNameThroughTheHostsFile() throws Exception {
    Path worker = dir.resolve("Worker.java");
    Files.copy(Path.of("src/test/resources/jobs/Worker.java"), worker);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    apply(
        """
        apiVersion: v1
        kind: Service
        metadata:
          name: workers
        spec:
          clusterIP: None
          selector:
            job-name: pair
        ---
        """
            + job(
                "pair",
                """
                completions: 2
                parallelism: 2
                completionMode: Indexed
                backoffLimit: 0
                """,
                """
                restartPolicy: Never
                subdomain: workers
                containers:
                - name: worker
                  image: %s
                  command: ["%s", "-Xmx32m", "-XX:TieredStopAtLevel=1",
                            "-Djdk.net.hosts.file=$(MODELKEEPER_LOCAL_HOSTS)",
                            "-Dsun.net.inetaddr.negative.ttl=0", "%s", "pair-0.workers"]
                  env:
                  - name: POD_IP
                    valueFrom:
                      fieldRef:
                        fieldPath: status.podIP
                """
                    .formatted(EXEC, java, worker)));
    kubectl.run("wait", "--for=condition=complete", "job/pair", "--timeout=90s").orThrow();
    List<Pod> pods = podsOf("pair");
    Pod first =
        pods.stream()
            .filter(p -> p.getMetadata().getName().startsWith("pair-0-"))
            .findFirst()
            .orElseThrow();
    Pod second =
        pods.stream()
            .filter(p -> p.getMetadata().getName().startsWith("pair-1-"))
            .findFirst()
            .orElseThrow();
    assertThat(kubectl.run("logs", first.getMetadata().getName()).orThrow())
        .contains("worker 0 served its peer");
    assertThat(kubectl.run("logs", second.getMetadata().getName()).orThrow())
        .contains("worker 1 reached pair-0.workers: hello from worker 0");
    assertThat(
            kubectl
                .run("get", "job", "pair", "-o", "jsonpath={.status.completedIndexes}")
                .orThrow())
        .isEqualTo("0-1");
  }

  @Test
  void aClaimIsADirectorySharedByThePodsThatMountIt() {
    String claimUser =
        """
        apiVersion: v1
        kind: Pod
        metadata:
          name: %s
        spec:
          restartPolicy: Never
          volumes:
          - name: data
            persistentVolumeClaim:
              claimName: shared
          containers:
          - name: main
            image: %s
            command: ["sh", "-c", %s]
            env:
            - name: DATA
              value: /var/lib/modelkeeper/dataset
            volumeMounts:
            - name: data
              mountPath: /var/lib/modelkeeper/dataset
        """;
    // The claim does not exist yet: the pod waits, unscheduled, as on a real cluster.
    apply(claimUser.formatted("writer", EXEC, "\"echo rows > $DATA/greeting\""));
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () ->
                assertThat(
                        kubectl
                            .run("get", "events", "--field-selector", "involvedObject.name=writer")
                            .orThrow())
                    .contains("FailedScheduling")
                    .contains("persistentvolumeclaim \"shared\" not found"));
    assertThat(client.pods().withName("writer").get().getStatus().getPhase()).isEqualTo("Pending");
    apply(
        """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: shared
        spec:
          accessModes: [ReadWriteMany]
          storageClassName: standard
          resources:
            requests:
              storage: 1Gi
        """);
    kubectl
        .run("wait", "--for=jsonpath={.status.phase}=Succeeded", "pod/writer", "--timeout=60s")
        .orThrow();
    assertThat(kubectl.run("get", "pvc").orThrow())
        .containsPattern("shared\\s+Bound\\s+1Gi\\s+RWX\\s+standard");
    apply(claimUser.formatted("reader", EXEC, "\"cat $DATA/greeting\""));
    kubectl
        .run("wait", "--for=jsonpath={.status.phase}=Succeeded", "pod/reader", "--timeout=60s")
        .orThrow();
    assertThat(kubectl.run("logs", "reader").orThrow()).contains("rows");
    assertThat(dir.resolve("state/claims/default_shared/greeting")).hasContent("rows");
  }

  @Test
  void secretVolumesAreFilesAndAMissingSecretFailsTheMount() {
    apply(
        """
        apiVersion: v1
        kind: Pod
        metadata:
          name: token-reader
        spec:
          restartPolicy: Never
          volumes:
          - name: token
            secret:
              secretName: api-token
              items:
              - key: token
                path: nested/token
          containers:
          - name: main
            image: %s
            command: ["sh", "-c", "cat $TOKENS/nested/token"]
            env:
            - name: TOKENS
              value: /var/run/secrets/api
            volumeMounts:
            - name: token
              mountPath: /var/run/secrets/api
              readOnly: true
        """
            .formatted(EXEC));
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () ->
                assertThat(
                        kubectl
                            .run(
                                "get",
                                "events",
                                "--field-selector",
                                "involvedObject.name=token-reader,reason=FailedMount")
                            .orThrow())
                    .contains(
                        "MountVolume.SetUp failed for volume \"token\" : secret \"api-token\" not"
                            + " found"));
    apply(
        """
        apiVersion: v1
        kind: Secret
        metadata:
          name: api-token
        stringData:
          token: s3cret-value
        """);
    kubectl
        .run(
            "wait", "--for=jsonpath={.status.phase}=Succeeded", "pod/token-reader", "--timeout=60s")
        .orThrow();
    assertThat(kubectl.run("logs", "token-reader").orThrow()).contains("s3cret-value");
  }

  @Test
  void whatTheLocalClusterDoesNotRunIsRefusedAtAdmission() {
    Kubectl.Result failurePolicy =
        kubectl.runWithInput(
            job(
                "policy",
                """
                podFailurePolicy:
                  rules:
                  - action: FailJob
                    onExitCodes: {operator: In, values: [42]}
                """,
                shell("Never", "true", "")),
            "apply",
            "--validate=false",
            "-f",
            "-");
    assertThat(failurePolicy.ok()).isFalse();
    assertThat(failurePolicy.err())
        .contains(
            "spec.podFailurePolicy: Forbidden: the local cluster does not run Jobs with a pod failure policy");
    Kubectl.Result suspended =
        kubectl.runWithInput(
            job("later", "suspend: true", shell("Never", "true", "")),
            "apply",
            "--validate=false",
            "-f",
            "-");
    assertThat(suspended.err()).contains("spec.suspend: Forbidden");
    Kubectl.Result always =
        kubectl.runWithInput(
            job("always", "completions: 1", shell("Always", "true", "")),
            "apply",
            "--validate=false",
            "-f",
            "-");
    assertThat(always.err())
        .contains(
            "spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values:"
                + " \"OnFailure\", \"Never\"");
    Kubectl.Result block =
        kubectl.runWithInput(
            """
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata:
              name: raw
            spec:
              accessModes: [ReadWriteOnce]
              volumeMode: Block
              resources:
                requests:
                  storage: 1Gi
            """,
            "apply",
            "--validate=false",
            "-f",
            "-");
    assertThat(block.err()).contains("spec.volumeMode: Forbidden");
  }

  @Test
  void anImageTheNodeCannotRunFailsItsPullAndSaysWhichJarToBuild() {
    apply(
        job(
            "trainer",
            "backoffLimit: 0",
            """
            restartPolicy: Never
            containers:
            - name: train
              image: ghcr.io/modelkeeper/trainer:0.1.0
              args: ["train"]
            """));
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              List<Pod> pods = podsOf("trainer");
              assertThat(pods).hasSize(1);
              assertThat(pods.get(0).getStatus().getContainerStatuses()).isNotEmpty();
              var waiting =
                  pods.get(0).getStatus().getContainerStatuses().get(0).getState().getWaiting();
              assertThat(waiting.getReason()).isIn("ErrImagePull", "ImagePullBackOff");
              assertThat(waiting.getMessage())
                  .contains("no-trainer.jar")
                  .contains("./mvnw -B -pl trainer -am package");
            });
  }
}
