package io.modelkeeper.operator.retraining;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.api.v1alpha1.Conditions;
import io.modelkeeper.api.v1alpha1.ModelRetraining;
import io.modelkeeper.operator.testing.TestModels;
import io.modelkeeper.operator.testing.TestRetrainings;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** What the retraining controller reads before it acts: the spec's own checks and row counts. */
class InputsTest {

  @Test
  void theWrittenRowsCounterIsSummedAndAPodWithoutCaptureCountsNothing() {
    String scrape =
        """
        # TYPE modelkeeper_capture_rows_total counter
        modelkeeper_capture_rows_total{result="written"} 1234.0
        modelkeeper_capture_rows_total{result="dropped"} 7.0
        modelkeeper_requests_total{outcome="success"} 9000.0
        """;
    assertThat(LabelledRows.written(200, scrape)).isEqualTo(OptionalLong.of(1234));
    assertThat(LabelledRows.written(200, "modelkeeper_requests_total 1\n")).isEmpty();
    assertThat(LabelledRows.written(401, scrape)).isEmpty();
  }

  @Test
  void aMissingModelDeploymentOrABadScheduleIsNamed() {
    ModelRetraining retraining = TestRetrainings.retraining("fraud", "fraud", spec -> {});
    assertThat(RetrainingValidation.check(retraining, null).reason())
        .isEqualTo(Conditions.REASON_MODEL_DEPLOYMENT_NOT_FOUND);

    retraining.getSpec().getTriggers().setSchedule("every sunday");
    retraining.getSpec().getTraining().setHyperparameters(Map.of("learning-rate", "0.1"));
    var result = RetrainingValidation.check(retraining, TestModels.model("fraud", "1"));
    assertThat(result.reason()).isEqualTo(Conditions.REASON_INVALID_SPEC);
    assertThat(result.problem())
        .contains("spec.triggers.schedule 'every sunday'")
        .contains("for example \"0 3 * * 0\"")
        .contains("spec.training.hyperparameters: 'learning-rate'");

    retraining.getSpec().getTriggers().setSchedule("0 3 * * 0");
    retraining.getSpec().getTraining().setHyperparameters(Map.of("learning_rate", "0.1"));
    var valid = RetrainingValidation.check(retraining, TestModels.model("fraud", "1"));
    assertThat(valid.problem()).isNull();
    assertThat(valid.schedule()).hasToString("0 3 * * 0");
  }
}
