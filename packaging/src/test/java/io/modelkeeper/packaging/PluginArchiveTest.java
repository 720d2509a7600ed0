package io.modelkeeper.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubectl plugin's release archive (docs/kubectl-plugin.md#install): the executable launcher
 * and the jar in one directory, and a launcher that runs from wherever it is unpacked or linked.
 */
class PluginArchiveTest {

  @Test
  void holdsAnExecutableLauncherAndTheJarThatRunsFromAnywhere(@TempDir Path dir) throws Exception {
    Path archive;
    try (Stream<Path> files = Files.list(Repo.path("cli/target"))) {
      archive =
          files
              .filter(p -> p.getFileName().toString().matches("kubectl-modelkeeper-.+\\.tar\\.gz"))
              .findFirst()
              .orElseThrow();
    }
    String listing = run(dir, "tar", "-tvzf", archive.toString());
    assertThat(listing)
        .containsPattern("-rwxr-xr-x .* kubectl-modelkeeper-[^/]+/kubectl-modelkeeper\\n")
        .containsPattern("-rw-r--r-- .* kubectl-modelkeeper-[^/]+/kubectl-modelkeeper\\.jar\\n");

    run(dir, "tar", "-xzf", archive.toString(), "-C", dir.toString(), "--strip-components=1");
    Path bin = Files.createDirectories(dir.resolve("bin"));
    // Installed by a symlink, as a package manager would: the launcher finds the jar beside it.
    Files.createSymbolicLink(
        bin.resolve("kubectl-modelkeeper"), dir.resolve("kubectl-modelkeeper"));
    String help = run(dir, bin.resolve("kubectl-modelkeeper").toString(), "--help");
    assertThat(help).contains("get md NAME [--watch]").contains("promote NAME");
  }

  private static String run(Path dir, String... command) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(List.of(command)).redirectErrorStream(true);
    builder.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString());
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(out).isZero();
    return out;
  }
}
