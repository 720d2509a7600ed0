package io.modelkeeper.e2e.images;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the podman binary: builds through the project's script, starts and inspects containers. */
final class Podman {

  /** What one command printed (stdout and stderr together) and how it ended. */
  record Result(int exitCode, String output) {
    boolean ok() {
      return exitCode == 0;
    }

    String orThrow(String what) {
      if (!ok()) {
        throw new IllegalStateException(what + " failed (exit " + exitCode + "):\n" + output);
      }
      return output.strip();
    }
  }

  private final Path binary;
  private final List<String> started = new ArrayList<>();

  Podman(Path binary) {
    this.binary = binary;
  }

  /**
   * Runs a command with the given environment added, its output appended to {@code log} (so a long
   * build is readable while it runs), and returns the exit code and the output.
   */
  static Result exec(List<String> command, Map<String, String> env, Path log, Duration timeout) {
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
      long before = Files.exists(log) ? Files.size(log) : 0;
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        return new Result(
            -1, "timed out after " + timeout + ": " + command + "\n" + read(log, before));
      }
      return new Result(process.exitValue(), read(log, before));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + command, e);
    }
  }

  private static String read(Path log, long from) throws IOException {
    byte[] all = Files.readAllBytes(log);
    return new String(all, (int) from, all.length - (int) from, StandardCharsets.UTF_8);
  }

  /** {@code podman <args>}, waiting at most two minutes. */
  Result run(Path log, String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(List.of(args));
    return exec(command, Map.of(), log, Duration.ofMinutes(2));
  }

  /** {@code podman run -d <args>}: the new container's id; {@link #removeAll} removes it. */
  String start(Path log, List<String> args) {
    List<String> command = new ArrayList<>(List.of("run", "-d"));
    command.addAll(args);
    String id = run(log, command.toArray(String[]::new)).orThrow("podman run");
    id = id.lines().reduce((first, second) -> second).orElseThrow();
    started.add(id);
    return id;
  }

  boolean running(Path log, String container) {
    return run(log, "inspect", "--format", "{{.State.Running}}", container)
        .output()
        .strip()
        .endsWith("true");
  }

  /** The container's first process as the host sees it (rootful podman shares the host's view). */
  long hostPid(Path log, String container) {
    return Long.parseLong(
        run(log, "inspect", "--format", "{{.State.Pid}}", container).orThrow("podman inspect"));
  }

  String logs(Path log, String container) {
    return run(log, "logs", container).output();
  }

  /** Removes every container this instance started, running or not. */
  void removeAll(Path log) {
    for (String id : started) {
      run(log, "rm", "-f", "-t", "5", id);
    }
    started.clear();
  }
}
