package io.modelkeeper.server.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.server.support.Http;
import io.modelkeeper.server.support.Http.Reply;
import io.modelkeeper.server.support.TestModels;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A pod that says it is ready takes labels: the Service sends feedback to any ready pod, so quality
 * monitoring (and dataset capture) must run from the first ready answer on. Before, monitoring
 * started up to 200 ms after the model, and a ready pod answered feedback with 503 "the model is
 * not loaded yet" — a failed client request at every pod start of a monitored model.
 */
@QuarkusTest
@TestProfile(ReadyWithQualityTest.SlowLoad.class)
class ReadyWithQualityTest {

  /** Quality monitoring on, and a long warm-up, so the test starts while the model loads. */
  public static class SlowLoad implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "modelkeeper.model.name", "fraud",
          "modelkeeper.model.version", "1",
          "modelkeeper.model.uri", TestModels.logisticRegressionFile().toUri().toString(),
          "modelkeeper.task", "binary-classification",
          "modelkeeper.warmup-requests", "20000",
          "modelkeeper.capture.dir",
              Path.of("target", "ready-with-quality-" + ProcessHandle.current().pid())
                  .toAbsolutePath()
                  .toString());
    }
  }

  @TestHTTPResource("/")
  URL url;

  @Test
  void theFirstReadyAnswerComesWithQualityMonitoringRunning() {
    Http http = new Http(url.toString());
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    int notReady = 0;
    while (http.get("/v2/health/ready").status() != 200) {
      notReady++;
      assertThat(Instant.now()).as("ready within 60 s").isBefore(deadline);
    }
    // At once, as the next client of a pod the Service just added would.
    Reply quality = http.get("/v2/models/fraud/quality");
    Reply feedback =
        http.postJson("/v2/models/fraud/feedback", List.of(Map.of("id", "unknown", "label", 1)));

    assertThat(notReady)
        .as("answers before ready: the test began while the model loaded")
        .isPositive();
    assertThat(quality.status()).as(quality.text()).isEqualTo(200);
    assertThat(feedback.status()).as(feedback.text()).isNotEqualTo(503);
  }
}
