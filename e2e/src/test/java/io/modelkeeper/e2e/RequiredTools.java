package io.modelkeeper.e2e;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.modelkeeper.e2e.cluster.Kubectl;
import java.nio.file.Path;

/**
 * The tools a test tier drives. Missing on a developer's machine, the tier is skipped with a
 * message (and the build prints a warning); where MODELKEEPER_REQUIRE_TOOLS=true, as .ci/run sets
 * it, a missing tool fails the tier instead of skipping it in silence.
 */
public final class RequiredTools {

  private RequiredTools() {}

  /** The kubectl binary, or the tier skipped (failed in CI) saying what it needs. */
  public static Path kubectl(String tier) {
    Path binary = Kubectl.find();
    if (binary == null) {
      String message = "kubectl is not installed (apt-get install kubectl): " + tier;
      if (Boolean.parseBoolean(System.getenv("MODELKEEPER_REQUIRE_TOOLS"))) {
        fail(message + " cannot run, and MODELKEEPER_REQUIRE_TOOLS=true forbids skipping it");
      }
      assumeTrue(false, message + " skipped");
    }
    return binary;
  }
}
