package io.modelkeeper.server.quality;

import io.modelkeeper.server.drift.FeatureReference;
import java.util.ArrayList;
import java.util.List;

/**
 * The model inputs that have a fixed number of values per row, in graph order: those are the ones
 * whose values are kept for dataset capture and can be drift features.
 *
 * @param names input names
 * @param widths values per row of each input
 */
public record InputLayout(List<String> names, int[] widths) {

  /** Total values per row over all inputs. */
  public int rowWidth() {
    int total = 0;
    for (int width : widths) {
      total += width;
    }
    return total;
  }

  int widthOf(String input) {
    int index = names.indexOf(input);
    return index < 0 ? -1 : widths[index];
  }

  /**
   * The drift features when no reference is shipped: every column of every input, named {@code
   * input[column]}, up to {@code max} of them.
   */
  public List<FeatureReference> defaultFeatures(int max) {
    List<FeatureReference> features = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      for (int column = 0; column < widths[i] && features.size() < max; column++) {
        features.add(
            new FeatureReference(
                names.get(i) + "[" + column + "]", names.get(i), column, null, null, null));
      }
    }
    return features;
  }

  /**
   * Checks that shipped features name inputs and columns that exist and fills in the input of
   * features that leave it out (allowed when the model has one input).
   */
  public List<FeatureReference> resolve(List<FeatureReference> features) {
    List<FeatureReference> resolved = new ArrayList<>(features.size());
    for (int i = 0; i < features.size(); i++) {
      FeatureReference feature = features.get(i);
      String input = feature.input();
      if (input == null) {
        if (names.size() != 1) {
          throw new IllegalArgumentException(
              "reference.json: features["
                  + i
                  + "].input is required, the model has inputs "
                  + names);
        }
        input = names.get(0);
      }
      int width = widthOf(input);
      if (width < 0) {
        throw new IllegalArgumentException(
            "reference.json: features["
                + i
                + "].input '"
                + input
                + "' is not a model input with a fixed row size "
                + names);
      }
      if (feature.column() >= width) {
        throw new IllegalArgumentException(
            "reference.json: features["
                + i
                + "].column "
                + feature.column()
                + " is outside input '"
                + input
                + "' ("
                + width
                + " per row)");
      }
      resolved.add(
          new FeatureReference(
              feature.name(),
              input,
              feature.column(),
              feature.edges(),
              feature.proportions(),
              feature.sample()));
    }
    return resolved;
  }
}
