package io.modelkeeper.packaging;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates files of the source tree from a test, whether run from the root or the module. */
final class Repo {

  private static final Path ROOT = findRoot();

  private Repo() {}

  static Path root() {
    return ROOT;
  }

  static Path path(String relative) {
    return ROOT.resolve(relative);
  }

  static String read(String relative) {
    try {
      return Files.readString(path(relative));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Path findRoot() {
    String configured = System.getProperty("modelkeeper.root");
    if (configured != null && Files.isDirectory(Path.of(configured, "helm"))) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("helm/modelkeeper"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException(
          "cannot find the repository root (no helm/modelkeeper above "
              + Path.of("").toAbsolutePath()
              + ")");
    }
    return dir;
  }
}
