package io.modelkeeper.server.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelkeeper.server.drift.FeatureReference;
import io.modelkeeper.server.drift.ReferenceStatistics;
import io.modelkeeper.server.onnx.DataType;
import io.modelkeeper.server.onnx.ModelSignature;
import io.modelkeeper.server.onnx.TensorSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.DoubleStream;
import org.junit.jupiter.api.Test;

class FeatureSpaceTest {
  private static final ModelSignature THREE_FEATURES =
      new ModelSignature(
          List.of(new TensorSpec("x", DataType.FP32, new long[] {-1, 3})),
          List.of(
              new TensorSpec("label", DataType.INT64, new long[] {-1}),
              new TensorSpec("scores", DataType.FP32, new long[] {-1, 2})),
          false);

  private static FeatureReference feature(String name, int column, double... sample) {
    return new FeatureReference(
        name, "x", column, new double[] {0}, new double[] {0.5, 0.5}, sample);
  }

  @Test
  void names_comeFromTheSettingElseTheReferenceElseByColumn() {
    Map<Integer, String> reference = Map.of(0, "amount", 2, "age");

    assertThat(FeatureSpace.of(THREE_FEATURES, List.of("a", "b", "c"), reference, null).names())
        .containsExactly("a", "b", "c");
    assertThat(FeatureSpace.of(THREE_FEATURES, List.of(), reference, null).names())
        .containsExactly("amount", "f1", "age");
    assertThat(FeatureSpace.of(THREE_FEATURES, List.of(), Map.of(), null).names())
        .containsExactly("f0", "f1", "f2");
  }

  @Test
  void explainedOutput_isTheFirstFloatingPointOneUnlessSet() {
    FeatureSpace byDefault = FeatureSpace.of(THREE_FEATURES, List.of(), Map.of(), null);
    FeatureSpace chosen = FeatureSpace.of(THREE_FEATURES, List.of(), Map.of(), "label");

    assertThat(byDefault.outputs()).containsExactly(new FeatureSpace.Output("scores", 2));
    assertThat(chosen.outputs()).containsExactly(new FeatureSpace.Output("label", 1));
  }

  @Test
  void modelsThatAreNotOneFeatureVector_areRefusedWithTheReason() {
    ModelSignature twoInputs =
        new ModelSignature(
            List.of(
                new TensorSpec("a", DataType.FP32, new long[] {-1, 2}),
                new TensorSpec("b", DataType.FP32, new long[] {-1, 2})),
            THREE_FEATURES.outputs(),
            false);
    ModelSignature image =
        new ModelSignature(
            List.of(new TensorSpec("pixels", DataType.FP32, new long[] {-1, 3, 8, 8})),
            THREE_FEATURES.outputs(),
            false);

    assertThatThrownBy(() -> FeatureSpace.of(twoInputs, List.of(), Map.of(), null))
        .hasMessageContaining("one input")
        .hasMessageContaining("a, b");
    assertThatThrownBy(() -> FeatureSpace.of(image, List.of(), Map.of(), null))
        .hasMessageContaining("[rows, features]")
        .hasMessageContaining("[-1,3,8,8]");
    assertThatThrownBy(() -> FeatureSpace.of(THREE_FEATURES, List.of("a"), Map.of(), null))
        .hasMessageContaining("MODELKEEPER_EXPLAIN_FEATURE_NAMES names 1 features")
        .hasMessageContaining("has 3");
    assertThatThrownBy(() -> FeatureSpace.of(THREE_FEATURES, List.of(), Map.of(), "nope"))
        .hasMessageContaining("'nope' is not an output");
  }

  @Test
  void referenceBackground_drawsEachFeatureFromItsOwnSampleAndIsTheSameEveryTime() {
    ReferenceStatistics reference =
        new ReferenceStatistics(
            ReferenceStatistics.FORMAT,
            null,
            List.of(feature("amount", 0, 1, 2, 3), feature("f1", 1, 10, 20), feature("age", 2, -5)),
            null);

    Background first = ReferenceBackground.draw(reference, "x", 3, 50);
    Background again = ReferenceBackground.draw(reference, "x", 3, 50);

    assertThat(first.source()).isEqualTo("reference");
    assertThat(first.rows()).hasNumberOfRows(50).isDeepEqualTo(again.rows());
    for (double[] row : first.rows()) {
      assertThat(row[0]).isIn(1.0, 2.0, 3.0);
      assertThat(row[1]).isIn(10.0, 20.0);
      assertThat(row[2]).isEqualTo(-5.0);
    }
    assertThat(
            Set.copyOf(
                DoubleStream.of(
                        java.util.Arrays.stream(first.rows()).mapToDouble(r -> r[0]).toArray())
                    .boxed()
                    .toList()))
        .as("every value of the sample turns up")
        .containsExactlyInAnyOrder(1.0, 2.0, 3.0);
    assertThat(ReferenceBackground.names(reference, "x"))
        .containsExactlyInAnyOrderEntriesOf(Map.of(0, "amount", 1, "f1", 2, "age"));
  }

  @Test
  void referenceWithoutASampleForEveryFeature_givesNoBackground() {
    ReferenceStatistics partial =
        new ReferenceStatistics(
            ReferenceStatistics.FORMAT,
            null,
            List.of(feature("amount", 0, 1, 2), feature("f1", 1)),
            null);

    assertThat(ReferenceBackground.draw(partial, "x", 3, 10)).isNull();
  }
}
