package io.modelkeeper.operator.tuning;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A trial's parameter values, by parameter name, as text: doubles via {@link
 * Double#toString(double)}, integers as long text, categories verbatim. Unmodifiable; iteration
 * order is the order given (the space's order for the strategies' own suggestions).
 */
public record Assignment(Map<String, String> values) {

  public Assignment {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    for (Map.Entry<String, String> entry : values.entrySet()) {
      if (entry.getKey() == null || entry.getValue() == null) {
        throw new IllegalArgumentException("an assignment has no null names or values");
      }
    }
  }
}
