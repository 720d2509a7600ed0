package io.modelkeeper.server.batching;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.server.models.SampleModels;
import io.modelkeeper.server.support.ConcurrentCallers;
import io.modelkeeper.server.support.Profiles;
import io.modelkeeper.server.support.ServedModelTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/** MAX_BATCH_SIZE=1 and EXECUTION_PROVIDER=cuda on a machine without CUDA. */
@QuarkusTest
@TestProfile(Profiles.UnbatchedCudaRequested.class)
class UnbatchedCudaRequestedTest extends ServedModelTest {

  private static final String LABELS = "model=\"lr\",version=\"1\"";

  @Test
  void cudaRequestedWithoutAGpuRunsOnCpuAndSaysSo() {
    assertThat(http.get("/v2/models/lr").json().at("/parameters/execution_provider").asText())
        .isEqualTo("cpu");
    assertThat(
            http.metric(
                "modelkeeper_execution_provider_info{model=\"lr\",provider=\"cpu\",version=\"1\"}"))
        .isEqualTo(1.0);
    assertThat(http.get("/metrics").text()).doesNotContain("provider=\"cuda\"");
  }

  @Test
  void withBatchingOffEveryCallerStillGetsItsOwnRows() throws Exception {
    assertThat(http.get("/v2/models/lr").json().at("/parameters/max_batch_size").asInt())
        .isEqualTo(1);
    ConcurrentCallers.assertEachGetsItsOwnRows(
        http, "/v2/models/lr/infer", SampleModels.logisticRegression(), 32, 3);
    // Each run carries one request (1 to 3 rows), never two requests' rows together.
    assertThat(http.metric("modelkeeper_batch_size_max{" + LABELS + "}")).isLessThanOrEqualTo(3);
    assertThat(http.metric("modelkeeper_batch_size_count{" + LABELS + "}"))
        .isGreaterThanOrEqualTo(96);
  }
}
