package io.modelkeeper.server.drift;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The statistics drift is measured against: the {@code reference.json} shipped next to a model
 * (format {@value #FORMAT}, described in docs/quality-and-drift.md, "Drift reference"), or the same
 * shape captured from the first requests after the model loaded.
 *
 * @param prediction statistics of the prediction (predicted class index for classifiers, the
 *     predicted value for regressors); null means prediction drift is not measured
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReferenceStatistics(
    String format,
    String description,
    List<FeatureReference> features,
    FeatureReference prediction) {

  public static final String FORMAT = "modelkeeper.reference/v1";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** Reads and checks a reference file; the exception message names the bad field. */
  public static ReferenceStatistics read(Path file) throws IOException {
    return parse(Files.readString(file), file.getFileName().toString());
  }

  /** Parses and checks reference statistics; {@code source} prefixes error messages. */
  public static ReferenceStatistics parse(String json, String source) {
    ReferenceStatistics reference;
    try {
      reference = JSON.readValue(json, ReferenceStatistics.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(source + ": " + e.getOriginalMessage(), e);
    }
    reference.validate(source);
    return reference;
  }

  private void validate(String source) {
    if (format != null && !FORMAT.equals(format)) {
      throw new IllegalArgumentException(
          source + ": format must be \"" + FORMAT + "\", got \"" + format + "\"");
    }
    if (features == null) {
      throw new IllegalArgumentException(source + ": features (a list) is required");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < features.size(); i++) {
      FeatureReference feature = features.get(i);
      String where = source + ": features[" + i + "]";
      feature.validate(where);
      if (feature.column() == null) {
        throw new IllegalArgumentException(where + ".column is required");
      }
      if (!names.add(feature.name())) {
        throw new IllegalArgumentException(where + ".name '" + feature.name() + "' is repeated");
      }
    }
    if (prediction != null) {
      prediction.validate(source + ": prediction");
    }
  }

  /** This reference as JSON in the shipped format, so a captured one can be saved and reused. */
  public String toJson() {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("reference statistics are not serialisable", e);
    }
  }
}
