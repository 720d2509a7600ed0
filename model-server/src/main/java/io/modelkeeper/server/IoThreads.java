package io.modelkeeper.server;

import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Defaults the event-loop count to the number of cores (Quarkus would use twice that), which keeps
 * p99 latency flat on small nodes; any explicit setting still wins.
 */
public class IoThreads implements ConfigSource {

  private static final int ORDINAL = 50;
  private final Map<String, String> values;

  public IoThreads() {
    String cores = Integer.toString(Runtime.getRuntime().availableProcessors());
    values = Map.of("quarkus.http.io-threads", cores, "quarkus.vertx.event-loops-pool-size", cores);
  }

  @Override
  public Set<String> getPropertyNames() {
    return values.keySet();
  }

  @Override
  public String getValue(String propertyName) {
    return values.get(propertyName);
  }

  @Override
  public String getName() {
    return "modelkeeper-io-threads";
  }

  @Override
  public int getOrdinal() {
    return ORDINAL;
  }
}
