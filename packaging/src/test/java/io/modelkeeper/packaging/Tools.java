package io.modelkeeper.packaging;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Looks up command-line tools the checks shell out to. */
final class Tools {

  private Tools() {}

  static boolean onPath(String tool) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Skips the calling test when a tool it drives is missing, saying how to install it; where
   * MODELKEEPER_REQUIRE_TOOLS=true, as .ci/run sets it, fails it instead, so CI never skips a check
   * in silence.
   */
  static void require(boolean present, String missing, String check) {
    if (present) {
      return;
    }
    if (Boolean.parseBoolean(System.getenv("MODELKEEPER_REQUIRE_TOOLS"))) {
      fail(
          missing
              + ": "
              + check
              + " cannot run, and MODELKEEPER_REQUIRE_TOOLS=true forbids skipping it");
    }
    assumeTrue(false, missing + ": " + check + " skipped");
  }
}
