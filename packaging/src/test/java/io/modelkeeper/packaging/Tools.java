package io.modelkeeper.packaging;

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
}
