package io.modelkeeper.operator.tuning;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/** The parameters a search tunes, in a fixed order; their names are unique. */
public record SearchSpace(List<Parameter> parameters) {

  public SearchSpace {
    if (parameters == null || parameters.isEmpty()) {
      throw new IllegalArgumentException("a search space needs at least one parameter");
    }
    parameters = List.copyOf(parameters);
    Set<String> names = new HashSet<>();
    for (Parameter parameter : parameters) {
      if (!names.add(parameter.name())) {
        throw new IllegalArgumentException(
            "parameter names must be unique: " + parameter.name() + " appears twice");
      }
    }
  }

  /**
   * {@code assignment} in canonical text (what the strategies themselves produce), or empty when it
   * does not give every parameter of this space a valid value or names one this space lacks.
   */
  Optional<Assignment> canonical(Assignment assignment) {
    double[] coordinates = coordinates(assignment);
    return coordinates == null ? Optional.empty() : Optional.of(assignment(coordinates));
  }

  /** The coordinates of {@code assignment} in space order, or null when it is not valid here. */
  double[] coordinates(Assignment assignment) {
    if (assignment == null || assignment.values().size() != parameters.size()) {
      return null;
    }
    double[] coordinates = new double[parameters.size()];
    for (int i = 0; i < coordinates.length; i++) {
      Parameter parameter = parameters.get(i);
      OptionalDouble coordinate = parameter.coordinate(assignment.values().get(parameter.name()));
      if (coordinate.isEmpty()) {
        return null;
      }
      coordinates[i] = coordinate.getAsDouble();
    }
    return coordinates;
  }

  /** The assignment with these coordinates, in space order. */
  Assignment assignment(double[] coordinates) {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < coordinates.length; i++) {
      Parameter parameter = parameters.get(i);
      values.put(parameter.name(), parameter.text(coordinates[i]));
    }
    return new Assignment(values);
  }
}
