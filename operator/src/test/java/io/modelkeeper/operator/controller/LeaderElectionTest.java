package io.modelkeeper.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.modelkeeper.operator.config.OperatorConfig;
import io.modelkeeper.operator.testing.TestModels;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LeaderElectionTest {

  @Test
  void offByDefaultSoASingleReplicaNeedsNoLease() {
    assertThat(new LeaderElection().leaderElection(config(false, Optional.empty()))).isNull();
  }

  @Test
  void onWithTheLeaseInTheGivenNamespace() {
    LeaderElectionConfiguration lease =
        new LeaderElection().leaderElection(config(true, Optional.of("modelkeeper-system")));

    assertThat(lease.getLeaseName()).isEqualTo(LeaderElection.LEASE_NAME);
    assertThat(lease.getLeaseNamespace()).contains("modelkeeper-system");
  }

  @Test
  void onWithoutANamespaceLeavesItToTheServiceAccount() {
    LeaderElectionConfiguration lease =
        new LeaderElection().leaderElection(config(true, Optional.empty()));

    assertThat(lease.getLeaseNamespace()).isEmpty();
  }

  private static OperatorConfig config(boolean enabled, Optional<String> namespace) {
    OperatorConfig defaults = TestModels.config();
    return new OperatorConfig() {
      @Override
      public ModelServer modelServer() {
        return defaults.modelServer();
      }

      @Override
      public Trainer trainer() {
        return defaults.trainer();
      }

      @Override
      public String gpuResourceName() {
        return defaults.gpuResourceName();
      }

      @Override
      public Console console() {
        return defaults.console();
      }

      @Override
      public Duration reconcileInterval() {
        return defaults.reconcileInterval();
      }

      @Override
      public Duration labelledRowsInterval() {
        return defaults.labelledRowsInterval();
      }

      @Override
      public Duration bucketCaptureFileAge() {
        return defaults.bucketCaptureFileAge();
      }

      @Override
      public Optional<String> prometheusUrl() {
        return defaults.prometheusUrl();
      }

      @Override
      public Optional<java.util.List<String>> prometheusAllowedUrls() {
        return defaults.prometheusAllowedUrls();
      }

      @Override
      public java.time.Duration prometheusMinRange() {
        return defaults.prometheusMinRange();
      }

      @Override
      public Optional<java.nio.file.Path> prometheusBearerTokenFile() {
        return defaults.prometheusBearerTokenFile();
      }

      @Override
      public Optional<String> prometheusUsername() {
        return defaults.prometheusUsername();
      }

      @Override
      public Optional<java.nio.file.Path> prometheusPasswordFile() {
        return defaults.prometheusPasswordFile();
      }

      @Override
      public Optional<java.nio.file.Path> prometheusCaFile() {
        return defaults.prometheusCaFile();
      }

      @Override
      public boolean prometheusInsecureSkipVerify() {
        return defaults.prometheusInsecureSkipVerify();
      }

      @Override
      public LeaderElectionSettings leaderElection() {
        return new LeaderElectionSettings() {
          @Override
          public boolean enabled() {
            return enabled;
          }

          @Override
          public Optional<String> namespace() {
            return namespace;
          }
        };
      }
    };
  }
}
