package io.modelkeeper.e2e;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.modelkeeper.e2e.cluster.Kubectl;
import java.nio.file.Files;
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
    return require(Kubectl.find(), "kubectl is not installed (apt-get install kubectl)", tier);
  }

  /** The prometheus server binary, or the tier skipped (failed in CI) saying what it needs. */
  public static Path prometheus(String tier) {
    return require(
        onPath("prometheus"),
        "prometheus is not installed (apt-get install prometheus, the Debian package)",
        tier);
  }

  /** Headless Chromium (Debian's chromium package), or the tier skipped (failed in CI). */
  public static Path chromium(String tier) {
    return require(
        onPath("chromium"), "chromium is not installed (apt-get install chromium)", tier);
  }

  /** promtool (of the same Debian package), or the tier skipped (failed in CI). */
  public static Path promtool(String tier) {
    return require(
        onPath("promtool"),
        "promtool is not installed (apt-get install prometheus, the Debian package)",
        tier);
  }

  /**
   * The podman binary, or the tier skipped (failed in CI) saying what it needs. It must be able to
   * run containers: packaging/images/podman-setup.sh installs and configures it.
   */
  public static Path podman(String tier) {
    return require(
        onPath("podman"),
        "podman is not installed (run packaging/images/podman-setup.sh as root)",
        tier);
  }

  /**
   * node and npm (Debian's nodejs and npm), which install and run the S3-compatible test store, or
   * the tier skipped (failed in CI).
   */
  public static Path node(String tier) {
    require(onPath("npm"), "npm is not installed (apt-get install npm)", tier);
    return require(onPath("node"), "node is not installed (apt-get install nodejs)", tier);
  }

  private static Path require(Path binary, String missing, String tier) {
    if (binary == null) {
      String message = missing + ": " + tier;
      if (Boolean.parseBoolean(System.getenv("MODELKEEPER_REQUIRE_TOOLS"))) {
        fail(message + " cannot run, and MODELKEEPER_REQUIRE_TOOLS=true forbids skipping it");
      }
      assumeTrue(false, message + " skipped");
    }
    return binary;
  }

  private static Path onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path candidate = Path.of(dir, tool);
      if (!dir.isEmpty() && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
