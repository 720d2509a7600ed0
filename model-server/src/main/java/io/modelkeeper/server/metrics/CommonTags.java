package io.modelkeeper.server.metrics;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.modelkeeper.contract.ServerMetrics;
import io.modelkeeper.server.ServerConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Labels every series with the served model's name and version, so replicas aggregate by version,
 * and with its revision when the operator gives one.
 */
@Singleton
public class CommonTags {

  @Produces
  @Singleton
  MeterFilter modelAndVersion(ServerConfig config) {
    Tags tags =
        Tags.of(
            ServerMetrics.MODEL,
            config.model().name(),
            ServerMetrics.VERSION,
            config.model().version());
    return MeterFilter.commonTags(
        config
            .model()
            .revision()
            .filter(r -> !r.isBlank())
            .map(revision -> tags.and(ServerMetrics.REVISION, revision))
            .orElse(tags));
  }

  /** jvm_info carries the JVM's own "version" label, which would hide the model version. */
  @Produces
  @Singleton
  MeterFilter noJvmInfo() {
    return MeterFilter.denyNameStartsWith("jvm.info");
  }
}
