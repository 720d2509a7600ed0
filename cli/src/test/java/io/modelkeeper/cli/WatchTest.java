package io.modelkeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code get md NAME --watch} into a pipe, against a kubectl that answers from files: the view is
 * printed once, again only when the object changed, and kubectl's flags are handed on.
 */
class WatchTest {

  @Test
  void printsTheViewAgainOnlyWhenItChanged(@TempDir Path dir) throws Exception {
    Path md = dir.resolve("md.json");
    Files.writeString(md, Fixtures.read("fraud-canary.json").toString());
    Files.writeString(dir.resolve("pods.json"), "{\"items\":[]}");
    Path calls = dir.resolve("calls");
    Path kubectl = dir.resolve("kubectl");
    Files.writeString(
        kubectl,
        String.join(
            "\n",
            "#!/bin/sh",
            "echo \"$*\" >> " + calls,
            "case \"$*\" in",
            "  *pods*) exec cat " + dir.resolve("pods.json") + " ;;",
            "  *modelretrainings*) echo 'error: the server does not have this resource' >&2; exit 1 ;;",
            "  *) exec cat " + md + " ;;",
            "esac",
            ""));
    Files.setPosixFilePermissions(kubectl, PosixFilePermissions.fromString("rwx------"));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    Thread watch =
        new Thread(
            () ->
                Main.run(
                    List.of(
                        "get",
                        "md",
                        "fraud",
                        "-w",
                        "--interval",
                        "200ms",
                        "-n",
                        "ml",
                        "--context",
                        "prod"),
                    Map.of("KUBECTL", kubectl.toString()),
                    out,
                    out));
    watch.start();
    try {
      awaitCalls(calls, 9);
      assertThat(count(bytes, "Name:")).as("unchanged: printed once").isEqualTo(1);

      Files.writeString(
          md, Files.readString(md).replace("\"stepDisplay\":\"2/3\"", "\"stepDisplay\":\"3/3\""));
      // Looks run one after another, each printing before the next one's calls: once a second
      // look has begun after the change, one that read the changed object has printed.
      long seen = Files.readAllLines(calls).size();
      awaitCalls(calls, seen + 6);
      assertThat(count(bytes, "Name:")).as("changed: printed again").isEqualTo(2);
      assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("  Step:         3/3");
    } finally {
      watch.interrupt();
      watch.join(5000);
    }
    assertThat(watch.isAlive()).isFalse();
    assertThat(Files.readAllLines(calls))
        .allSatisfy(call -> assertThat(call).contains("--context=prod --namespace=ml get "));
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .as("without its CRDs, retraining is left out and the rest shows")
        .doesNotContain("Retraining:")
        .doesNotContain("\u001b[");
  }

  private static long count(ByteArrayOutputStream bytes, String word) {
    return bytes.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith(word)).count();
  }

  private static void awaitCalls(Path calls, long atLeast) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!Files.exists(calls) || Files.readAllLines(calls).size() < atLeast) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("kubectl was called fewer than " + atLeast + " times");
      }
      Thread.sleep(50);
    }
  }
}
