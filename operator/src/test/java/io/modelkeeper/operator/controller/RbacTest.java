package io.modelkeeper.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.modelkeeper.api.v1alpha1.Conditions;
import io.modelkeeper.api.v1alpha1.ObjectiveSpec;
import io.modelkeeper.api.v1alpha1.ParameterType;
import io.modelkeeper.api.v1alpha1.TuningParameter;
import io.modelkeeper.api.v1alpha1.TuningSpec;
import io.modelkeeper.operator.testing.CrdInMockServer;
import io.modelkeeper.operator.testing.TestCluster;
import io.modelkeeper.operator.testing.TestModels;
import io.modelkeeper.operator.testing.TestRetrainings;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every request the operator sends during a whole life cycle (create, ready, manual edit, failing
 * new version, replacement) and a retraining's runs (one failed, one trained, evaluated and
 * blessed, the oldest pruned past the history limit) must be allowed by the committed ClusterRole
 * operator/rbac/cluster-role.yaml.
 */
@QuarkusTest
@TestProfile(RbacTest.OwnServer.class)
@WithKubernetesTestServer(crud = true, setup = CrdInMockServer.class)
class RbacTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  /** Its own application and mock server, so only this test's requests are recorded. */
  public static class OwnServer implements QuarkusTestProfile {}

  @KubernetesTestServer KubernetesServer server;

  @Inject KubernetesClient operatorClient;

  /** A permission: API group, resource (with subresource) and verb. */
  record Permission(String group, String resource, String verb) implements Comparable<Permission> {
    @Override
    public int compareTo(Permission other) {
      return toString().compareTo(other.toString());
    }
  }

  @Test
  void clusterRoleCoversEveryRequestTheOperatorMakes() throws Exception {
    try (KubernetesClient testClient = TestCluster.testClient(operatorClient)) {
      playLifeCycle(new TestCluster(testClient));
      playRetraining(testClient);
      playTuning(testClient);
    }

    Set<Permission> used = new TreeSet<>();
    RecordedRequest request;
    while ((request = server.getKubernetesMockServer().takeRequest(200, TimeUnit.MILLISECONDS))
        != null) {
      if (!TestCluster.TEST_AGENT.equals(request.getHeader("User-Agent"))) {
        used.add(permission(request.getMethod(), request.getPath()));
      }
    }
    Set<Permission> granted = granted(Path.of("rbac", "cluster-role.yaml"));

    assertThat(used)
        .as("requests the operator made")
        .isNotEmpty()
        .contains(
            new Permission("apps", "deployments", "delete"),
            new Permission("modelkeeper.io", "modeldeployments/status", "patch"),
            new Permission("", "events", "create"),
            new Permission("batch", "jobs", "create"),
            new Permission("batch", "jobs", "delete"),
            new Permission("", "pods/log", "get"),
            new Permission("modelkeeper.io", "retrainingruns/status", "update"),
            new Permission("modelkeeper.io", "retrainingruns", "delete"),
            new Permission("modelkeeper.io", "modelretrainings/status", "patch"));
    assertThat(granted)
        .as("ClusterRole rules must allow every request the operator made")
        .containsAll(used);
  }

  private static void playLifeCycle(TestCluster cluster) {
    cluster.models().resource(TestModels.model("fraud", "1")).create();
    await()
        .atMost(WAIT)
        .until(
            () -> cluster.deployment(TestModels.deploymentName("fraud", "1")).get(),
            d -> d != null);
    cluster.markReady(TestModels.deploymentName("fraud", "1"), 1);
    await()
        .atMost(WAIT)
        .until(() -> "True".equals(cluster.condition("fraud", Conditions.READY).getStatus()));
    cluster.editDeployment(
        TestModels.deploymentName("fraud", "1"),
        d -> {
          d.getSpec().setReplicas(3);
          return d;
        });
    await()
        .atMost(WAIT)
        .until(
            () ->
                cluster
                        .deployment(TestModels.deploymentName("fraud", "1"))
                        .get()
                        .getSpec()
                        .getReplicas()
                    == 1);
    cluster.editModel(
        "fraud",
        md -> {
          md.getSpec().getModel().setVersion("2");
          md.getSpec().getModel().setUri(TestModels.file("fraud", "2").uri());
          return md;
        });
    await()
        .atMost(WAIT)
        .until(
            () -> cluster.deployment(TestModels.deploymentName("fraud", "2")).get(),
            d -> d != null);
    cluster.createPod("fraud", "2", TestCluster.fetchFailed("fetch failed: connection refused"));
    await()
        .atMost(WAIT)
        .until(
            () ->
                Conditions.REASON_MODEL_FETCH_FAILED.equals(
                    cluster.condition("fraud", Conditions.DEGRADED).getReason()));
    cluster.deletePod("fraud", "2");
    cluster.markReady(TestModels.deploymentName("fraud", "2"), 1);
    await()
        .atMost(WAIT)
        .until(() -> cluster.deployment(TestModels.deploymentName("fraud", "1")).get() == null);
  }

  /** Two runs by hand, the history limit 1: one fails, one is blessed, the first is pruned. */
  private static void playRetraining(KubernetesClient client) {
    TestRetrainings jobs = new TestRetrainings(client);
    client
        .resource(
            TestRetrainings.retraining(
                "fraud",
                "fraud",
                spec -> {
                  spec.setHistoryLimit(1);
                  spec.getTraining().setParallelism(2);
                }))
        .create();
    client.resource(TestRetrainings.run("fraud-a", "fraud")).create();
    await().atMost(WAIT).until(() -> jobs.job("fraud-a-train") != null);
    jobs.fail("fraud-a-train", "BackoffLimitExceeded", "out of memory");
    client.resource(TestRetrainings.run("fraud-b", "fraud")).create();
    await().atMost(WAIT).until(() -> jobs.job("fraud-b-train") != null);
    jobs.succeed("fraud-b-train", TestRetrainings.TRAINED);
    await().atMost(WAIT).until(() -> jobs.job("fraud-b-eval") != null);
    jobs.succeed("fraud-b-eval", "{\"metric\":\"accuracy\",\"candidate\":0.9,\"passed\":true}");
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .until(() -> jobs.retrainingNamed("fraud").getStatus().getCandidate() != null);
    await().atMost(WAIT).until(() -> jobs.runNamed("fraud-a") == null);
  }

  /**
   * A tuning run whose first trial fails past maxFailedTrials: its other trial's Job is deleted.
   */
  private static void playTuning(KubernetesClient client) {
    TestRetrainings jobs = new TestRetrainings(client);
    client.resource(TestModels.model("tuned", "1")).create();
    client
        .resource(
            TestRetrainings.retraining(
                "tuned",
                "tuned",
                spec -> {
                  TuningSpec tuning = new TuningSpec();
                  tuning.setTrials(2);
                  tuning.setParallelTrials(2);
                  tuning.setMaxFailedTrials(0);
                  ObjectiveSpec objective = new ObjectiveSpec();
                  objective.setMetric("val_loss");
                  tuning.setObjective(objective);
                  TuningParameter rate = new TuningParameter();
                  rate.setName("learning_rate");
                  rate.setType(ParameterType.UNIFORM);
                  rate.setMin(0.01);
                  rate.setMax(0.1);
                  tuning.setParameters(List.of(rate));
                  spec.setTuning(tuning);
                }))
        .create();
    client.resource(TestRetrainings.run("tuned-now", "tuned")).create();
    await().atMost(WAIT).until(() -> jobs.job("tuned-now-trial-2") != null);
    jobs.fail("tuned-now-trial-1", "BackoffLimitExceeded", "out of memory");
    await().atMost(WAIT).until(() -> jobs.job("tuned-now-trial-2") == null);
  }

  /** Maps a REST call to the RBAC permission it needs. */
  static Permission permission(String method, String pathAndQuery) {
    String path = pathAndQuery.split("\\?")[0];
    boolean watch = pathAndQuery.contains("watch=true");
    List<String> parts = new ArrayList<>(List.of(path.substring(1).split("/")));
    String group;
    if (parts.get(0).equals("api")) {
      group = "";
      parts = parts.subList(2, parts.size());
    } else {
      group = parts.get(1);
      parts = parts.subList(3, parts.size());
    }
    if (!parts.isEmpty() && parts.get(0).equals("namespaces") && parts.size() > 2) {
      parts = parts.subList(2, parts.size());
    }
    String resource = parts.get(0) + (parts.size() > 2 ? "/" + parts.get(2) : "");
    boolean named = parts.size() > 1;
    String verb =
        switch (method) {
          case "GET" -> watch ? "watch" : named ? "get" : "list";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> named ? "delete" : "deletecollection";
          default -> method;
        };
    return new Permission(group, resource, verb);
  }

  private static Set<Permission> granted(Path clusterRole) throws IOException {
    JsonNode role = new ObjectMapper(new YAMLFactory()).readTree(clusterRole.toFile());
    Set<Permission> granted = new TreeSet<>();
    for (JsonNode rule : role.path("rules")) {
      for (JsonNode group : rule.path("apiGroups")) {
        for (JsonNode resource : rule.path("resources")) {
          for (JsonNode verb : rule.path("verbs")) {
            granted.add(new Permission(group.asText(), resource.asText(), verb.asText()));
          }
        }
      }
    }
    return granted;
  }
}
