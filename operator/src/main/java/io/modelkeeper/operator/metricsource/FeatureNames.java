package io.modelkeeper.operator.metricsource;

import io.modelkeeper.api.v1alpha1.ExplanationsSpec;

/**
 * Feature names as status lists them. They come from the servers' series (the drift reference, the
 * configured names), so a name is cut to the length spec.monitoring.explanations allows: five long
 * names must not make a status object large.
 */
final class FeatureNames {

  /** Characters of a feature name kept in status. */
  static final int MAX_LENGTH = ExplanationsSpec.MAX_NAME_LENGTH;

  private FeatureNames() {}

  static String forStatus(String name) {
    return name.length() <= MAX_LENGTH ? name : name.substring(0, MAX_LENGTH);
  }
}
