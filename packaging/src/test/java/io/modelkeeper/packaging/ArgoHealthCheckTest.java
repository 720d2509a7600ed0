package io.modelkeeper.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart's Argo CD health check, run by the real Lua 5.1 interpreter on ModelDeployments as the
 * operator writes them. Most fixtures were captured from the *E2E scenarios (HealthFixtures); the
 * README next to them says which were derived by hand.
 */
class ArgoHealthCheckTest {

  private static final Path SCRIPT = Repo.path("helm/modelkeeper/health/modeldeployment.lua");
  private static final Path FIXTURES = Repo.path("packaging/src/test/resources/health");
  private static final Path PATCH = Repo.path("manifests/argocd/argocd-cm-health.yaml");
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String REGENERATE =
      "./mvnw -B -am -pl packaging test -Dtest=ArgoHealthCheckTest"
          + " -Dsurefire.failIfNoSpecifiedTests=false -Dmanifests.update=true";

  private static Boolean luaChecked;

  /** Skips (in CI: fails) the Lua cases when lua5.1 or lua-cjson is missing. */
  private static void requireLua() throws Exception {
    String check = "the Argo CD health check test";
    Tools.require(
        Tools.onPath("lua5.1"),
        "lua5.1 is not installed (apt-get install lua5.1 lua-cjson; .ci/run installs it)",
        check);
    if (luaChecked == null) {
      luaChecked = run("lua5.1", "-e", "require('cjson')").exitCode == 0;
    }
    Tools.require(
        luaChecked,
        "lua-cjson is not installed (apt-get install lua-cjson; .ci/run installs it)",
        check);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("no-status", "Progressing", "Waiting for the operator to report a status"),
        Arguments.of(
            "stale-observed-generation",
            "Progressing",
            "Waiting for the operator to observe generation 2"),
        Arguments.of(
            "first-version-starting", "Progressing", "RollingOut: Version 1 is starting: 0/1 pods"),
        Arguments.of("serving-ready", "Healthy", "Version 1 serves with 1/1 pods"),
        Arguments.of(
            "canary-mid-step",
            "Progressing",
            "Canary version 2 at step 1 of 2 with 50% of traffic (the step asks 20%); last analysis Wait"),
        Arguments.of(
            "canary-paused",
            "Suspended",
            "Paused by spec.rollout.paused: Canary version 2 at step 1"),
        Arguments.of("promoting", "Progressing", "Canary version 2 is being promoted"),
        Arguments.of(
            "rolling-back", "Degraded", "Version 3 was rolled back: canary error rate 100.00%"),
        Arguments.of("rolled-back", "Degraded", "(failed check 2 of 2); version 2 keeps serving"),
        Arguments.of("degraded-by-drift", "Degraded", "DriftAboveSlo: Version 1: drift score"),
        Arguments.of("degraded-by-accuracy", "Degraded", "AccuracyBelowSlo: Version 1: accuracy"),
        Arguments.of(
            "fetch-failed-while-old-version-serves",
            "Degraded",
            "ModelFetchFailed: Version 2 cannot fetch its model"),
        Arguments.of(
            "failed-nothing-serves", "Degraded", "Nothing serves: ModelFetchFailed: Version 1"),
        Arguments.of("invalid-spec", "Degraded", "InvalidSpec: spec.serving.executionProvider"),
        Arguments.of("scaled-to-zero", "Suspended", "ScaledToZero: spec.serving.replicas is 0"),
        Arguments.of(
            "kstatus-reconciling", "Progressing", "CanaryProgressing: Version 1 is starting"),
        Arguments.of("kstatus-stalled", "Degraded", "RolledBack: Version 3 (revision 19355aee)"),
        Arguments.of("null-fields", "Progressing", "Waiting for the operator"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("cases")
  void reportsTheHealthArgoCdShows(String fixture, String status, String message) throws Exception {
    requireLua();
    Result result =
        run(
            "lua5.1",
            FIXTURES.resolve("argocd-harness.lua").toString(),
            SCRIPT.toString(),
            FIXTURES.resolve(fixture + ".json").toString());

    assertThat(result.exitCode).as("lua5.1 failed:%n%s", result.output).isZero();
    JsonNode health = JSON.readTree(result.output);
    assertThat(health.path("status").asText()).as("status; message: %s", health).isEqualTo(status);
    assertThat(health.path("message").asText()).contains(message);
  }

  @Test
  void argoCdPatchCarriesTheChartScript() throws Exception {
    String expected = argoCdPatch();
    if (Boolean.getBoolean("manifests.update")) {
      Files.writeString(PATCH, expected);
    }
    assertThat(Files.exists(PATCH))
        .as("%s is missing; create it with:%n  %s", PATCH, REGENERATE)
        .isTrue();
    assertThat(Files.readString(PATCH))
        .as("%s is stale; regenerate it with:%n  %s", PATCH, REGENERATE)
        .isEqualTo(expected);
  }

  /** The argocd-cm patch: the chart's script under the key Argo CD reads, nothing else. */
  static String argoCdPatch() throws Exception {
    StringBuilder script = new StringBuilder();
    for (String line : Files.readString(SCRIPT).strip().split("\n", -1)) {
      script.append(line.isEmpty() ? "" : "    " + line).append("\n");
    }
    return """
        # Argo CD health check for ModelKeeper's ModelDeployment (docs/gitops.md), as a patch of
        # argocd-cm. Apply it with
        #   kubectl -n argocd patch configmap argocd-cm --type merge --patch-file manifests/argocd/argocd-cm-health.yaml
        # or list it under `patches:` of the kustomization that installs Argo CD.
        # Generated from helm/modelkeeper/health/modeldeployment.lua; do not edit. Regenerate with:
        #   %s
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: argocd-cm
        data:
          resource.customizations.health.modelkeeper.io_ModelDeployment: |
        %s"""
        .formatted(REGENERATE, script);
  }

  private record Result(int exitCode, String output) {}

  private static Result run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("%s timed out", command[0]).isTrue();
    return new Result(process.exitValue(), output);
  }
}
