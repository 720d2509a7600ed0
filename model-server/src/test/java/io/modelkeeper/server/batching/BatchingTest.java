package io.modelkeeper.server.batching;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.server.models.SampleModels;
import io.modelkeeper.server.support.ConcurrentCallers;
import io.modelkeeper.server.support.Profiles;
import io.modelkeeper.server.support.ServedModelTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(Profiles.Mlp.class)
class BatchingTest extends ServedModelTest {

  private static final String LABELS = "model=\"mlp\",version=\"3\"";

  @Test
  void thirtyTwoConcurrentCallersEachGetTheirOwnRowsFromSharedBatches() throws Exception {
    double batchesBefore = http.metric("modelkeeper_batch_size_count{" + LABELS + "}");
    double singleRowBefore =
        http.metric("modelkeeper_batch_size_bucket{" + LABELS + ",le=\"1.0\"}");

    ConcurrentCallers.assertEachGetsItsOwnRows(
        http, "/v2/models/mlp/infer", SampleModels.mlp(), 32, 10);

    double batches = http.metric("modelkeeper_batch_size_count{" + LABELS + "}") - batchesBefore;
    double singleRow =
        http.metric("modelkeeper_batch_size_bucket{" + LABELS + ",le=\"1.0\"}") - singleRowBefore;
    double largest = http.metric("modelkeeper_batch_size_max{" + LABELS + "}");
    assertThat(batches).as("ONNX Runtime calls for 320 requests").isPositive().isLessThan(320);
    assertThat(largest).as("largest batch").isGreaterThan(1);
    assertThat(singleRow).isLessThan(batches);
    assertThat(http.metric("modelkeeper_queue_duration_seconds_count{" + LABELS + "}"))
        .isGreaterThanOrEqualTo(320);
  }
}
