package io.modelkeeper.operator.retraining;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.api.v1alpha1.ObjectiveDirection;
import io.modelkeeper.api.v1alpha1.ObjectiveSpec;
import io.modelkeeper.api.v1alpha1.ParameterType;
import io.modelkeeper.api.v1alpha1.TuningParameter;
import io.modelkeeper.api.v1alpha1.TuningSpec;
import io.modelkeeper.operator.tuning.Direction;
import io.modelkeeper.operator.tuning.Parameter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TuningSpaceTest {

  @Test
  void aGoodSpecReadsAsTheSearchSpace() {
    TuningSpec tuning = tuning(t -> {});
    assertThat(TuningSpace.problems(tuning)).isEmpty();
    assertThat(TuningSpace.of(tuning).parameters())
        .extracting(Parameter::name, Parameter::kind)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("learning_rate", Parameter.Kind.LOG_UNIFORM),
            org.assertj.core.groups.Tuple.tuple("epochs", Parameter.Kind.INTEGER),
            org.assertj.core.groups.Tuple.tuple("hidden_units", Parameter.Kind.CATEGORICAL));
    assertThat(TuningSpace.direction(tuning)).isEqualTo(Direction.MINIMIZE);
    tuning.getObjective().setDirection(ObjectiveDirection.MAXIMIZE);
    assertThat(TuningSpace.direction(tuning)).isEqualTo(Direction.MAXIMIZE);
    assertThat(TuningSpace.problems(null)).isEmpty();
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of(
            "more parallel than trials",
            (Consumer<TuningSpec>) t -> t.setParallelTrials(20),
            "spec.tuning.parallelTrials"),
        Arguments.of(
            "too many trials", (Consumer<TuningSpec>) t -> t.setTrials(101), "spec.tuning.trials"),
        Arguments.of(
            "no objective",
            (Consumer<TuningSpec>) t -> t.setObjective(null),
            "spec.tuning.objective.metric"),
        Arguments.of(
            "no parameters",
            (Consumer<TuningSpec>) t -> t.setParameters(List.of()),
            "spec.tuning.parameters: from 1 to 20"),
        Arguments.of(
            "too many parameters",
            (Consumer<TuningSpec>)
                t -> {
                  List<TuningParameter> many = new ArrayList<>();
                  for (int i = 0; i < 21; i++) {
                    many.add(range("p" + i, ParameterType.UNIFORM, 0, 1));
                  }
                  t.setParameters(many);
                },
            "spec.tuning.parameters: from 1 to 20"),
        Arguments.of(
            "a name no variable takes",
            (Consumer<TuningSpec>) t -> t.getParameters().get(0).setName("learning-rate"),
            "spec.tuning.parameters[0].name: letters, digits and '_'"),
        Arguments.of(
            "two names, one variable",
            (Consumer<TuningSpec>) t -> t.getParameters().get(1).setName("LEARNING_RATE"),
            "would both be MODELKEEPER_PARAM_LEARNING_RATE"),
        Arguments.of(
            "min above max",
            (Consumer<TuningSpec>) t -> t.getParameters().get(0).setMin(0.5),
            "spec.tuning.parameters[0].min: 0.5 is not below max 0.1"),
        Arguments.of(
            "log of zero",
            (Consumer<TuningSpec>) t -> t.getParameters().get(0).setMin(0.0),
            "spec.tuning.parameters[0].min: a logUniform parameter needs min above 0"),
        Arguments.of(
            "half an epoch",
            (Consumer<TuningSpec>) t -> t.getParameters().get(1).setMin(2.5),
            "spec.tuning.parameters[1].min, max: an integer parameter takes whole bounds"),
        Arguments.of(
            "no bounds",
            (Consumer<TuningSpec>) t -> t.getParameters().get(1).setMax(null),
            "spec.tuning.parameters[1].min, max: both are needed"),
        Arguments.of(
            "no categories",
            (Consumer<TuningSpec>) t -> t.getParameters().get(2).setValues(List.of()),
            "spec.tuning.parameters[2].values: a categorical parameter takes 1 to 50 values"),
        Arguments.of(
            "too many categories",
            (Consumer<TuningSpec>)
                t -> t.getParameters().get(2).setValues(Collections.nCopies(51, "8")),
            "spec.tuning.parameters[2].values: a categorical parameter takes 1 to 50 values"),
        Arguments.of(
            "a long category",
            (Consumer<TuningSpec>)
                t -> t.getParameters().get(2).setValues(List.of("8".repeat(257))),
            "spec.tuning.parameters[2].values: each value is at most 256 characters"),
        Arguments.of(
            "a category twice",
            (Consumer<TuningSpec>) t -> t.getParameters().get(2).setValues(List.of("8", "8")),
            "spec.tuning.parameters[2].values: each value is given once"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void eachProblemNamesItsField(String what, Consumer<TuningSpec> change, String message) {
    assertThat(TuningSpace.problems(tuning(change)))
        .anySatisfy(problem -> assertThat(problem).contains(message));
  }

  static TuningSpec tuning(Consumer<TuningSpec> change) {
    TuningSpec tuning = new TuningSpec();
    tuning.setTrials(6);
    tuning.setParallelTrials(2);
    ObjectiveSpec objective = new ObjectiveSpec();
    objective.setMetric("val_loss");
    tuning.setObjective(objective);
    TuningParameter categories = new TuningParameter();
    categories.setName("hidden_units");
    categories.setType(ParameterType.CATEGORICAL);
    categories.setValues(List.of("8", "16,8"));
    tuning.setParameters(
        new ArrayList<>(
            List.of(
                range("learning_rate", ParameterType.LOG_UNIFORM, 0.001, 0.1),
                range("epochs", ParameterType.INTEGER, 5, 50),
                categories)));
    change.accept(tuning);
    return tuning;
  }

  static TuningParameter range(String name, ParameterType type, double min, double max) {
    TuningParameter parameter = new TuningParameter();
    parameter.setName(name);
    parameter.setType(type);
    parameter.setMin(min);
    parameter.setMax(max);
    return parameter;
  }
}
