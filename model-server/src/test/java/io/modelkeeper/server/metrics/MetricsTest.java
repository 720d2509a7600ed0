package io.modelkeeper.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.modelkeeper.server.support.Profiles;
import io.modelkeeper.server.support.ServedModelTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(Profiles.Mlp.class)
class MetricsTest extends ServedModelTest {

  @BeforeEach
  void used() {
    http.postJson(
        "/v2/models/mlp/infer",
        "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[1,16],\"data\":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}]}");
  }

  @Test
  void everyServingSeriesExistsAndCarriesModelAndVersion() {
    String text = http.get("/metrics").text();
    for (String name :
        List.of(
            "modelkeeper_requests_total", "modelkeeper_request_duration_seconds_bucket",
            "modelkeeper_queue_duration_seconds_bucket",
                "modelkeeper_inference_duration_seconds_bucket",
            "modelkeeper_batch_size_bucket", "modelkeeper_requests_in_flight",
            "modelkeeper_execution_provider_info", "modelkeeper_model_load_seconds")) {
      assertThat(text).as(name).contains(name + "{");
    }
    assertThat(text).contains("# TYPE modelkeeper_request_duration_seconds histogram");
    assertThat(text).doesNotContainPattern("# TYPE modelkeeper_\\S+ summary");
    for (String line : text.split("\n")) {
      if (!line.startsWith("#") && !line.isBlank()) {
        assertThat(line)
            .as("series labelled with model and version")
            .contains("model=\"mlp\"")
            .contains("version=\"3\"");
      }
    }
    for (String outcome : List.of("success", "client_error", "server_error")) {
      assertThat(text).contains("outcome=\"" + outcome + "\"");
    }
    assertThat(http.metric("modelkeeper_model_load_seconds{model=\"mlp\",version=\"3\"}"))
        .isPositive();
  }

  @Test
  void promtoolAcceptsTheMetrics() throws Exception {
    boolean onPath =
        List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).stream()
            .anyMatch(dir -> new File(dir, "promtool").canExecute());
    if (!onPath && Boolean.parseBoolean(System.getenv("MODELKEEPER_REQUIRE_TOOLS"))) {
      fail(
          "promtool is not on PATH, and MODELKEEPER_REQUIRE_TOOLS=true forbids skipping its check");
    }
    assumeTrue(
        onPath,
        "promtool is not on PATH (install Debian's prometheus package); skipping the promtool check");
    Process promtool =
        new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    promtool.getOutputStream().write(http.get("/metrics").bytes());
    promtool.getOutputStream().close();
    String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(promtool.exitValue()).as(output).isZero();
  }
}
