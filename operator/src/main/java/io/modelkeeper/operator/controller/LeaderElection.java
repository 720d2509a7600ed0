package io.modelkeeper.operator.controller;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.modelkeeper.operator.config.OperatorConfig;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;

/**
 * Leader election for operators run with more than one replica: one reconciles, the others wait on
 * a Lease and take over when it stops renewing.
 */
public class LeaderElection {

  static final String LEASE_NAME = "modelkeeper-operator-leader";

  /** The operator SDK looks this bean up by type; a null bean keeps leader election off. */
  @Produces
  @Dependent
  @Unremovable
  LeaderElectionConfiguration leaderElection(OperatorConfig config) {
    OperatorConfig.LeaderElectionSettings settings = config.leaderElection();
    if (!settings.enabled()) {
      return null;
    }
    // Without a namespace the SDK takes the one of the pod's service account.
    return new LeaderElectionConfiguration(LEASE_NAME, settings.namespace().orElse(null));
  }
}
