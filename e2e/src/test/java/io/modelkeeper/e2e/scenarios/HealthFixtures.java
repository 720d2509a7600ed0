package io.modelkeeper.e2e.scenarios;

import io.modelkeeper.e2e.cluster.Kubectl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Writes {@code kubectl get md <name> -o json} at the moments a scenario reaches, once per moment,
 * to {@code e2e/target/health-fixtures/}: real statuses for the Argo CD health check's table test
 * in {@code packaging/}, which keeps its own committed copies and never needs e2e to have run.
 */
final class HealthFixtures {

  private static final Set<String> CAPTURED = new HashSet<>();

  private HealthFixtures() {}

  /** Saves the ModelDeployment as it is now under {@code <moment>.json}; later calls are no-ops. */
  static synchronized void capture(Kubectl kubectl, String md, String moment) {
    if (!CAPTURED.add(moment)) {
      return;
    }
    Kubectl.Result result = kubectl.run("get", "md", md, "-o", "json");
    if (!result.ok()) {
      return; // a fixture is a by-product: never fail a scenario over it
    }
    Path dir =
        Path.of(System.getProperty("modelkeeper.project.dir", ".."), "e2e/target/health-fixtures");
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(moment + ".json"), result.out());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
