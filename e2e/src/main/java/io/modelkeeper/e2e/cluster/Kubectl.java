package io.modelkeeper.e2e.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real kubectl binary against one kubeconfig, with its own discovery cache directory. */
public final class Kubectl {

  /** What one kubectl run printed and how it ended. */
  public record Result(int exitCode, String out, String err) {
    public boolean ok() {
      return exitCode == 0;
    }

    /** The output, or an exception carrying kubectl's error output. */
    public String orThrow() {
      if (!ok()) {
        throw new IllegalStateException("kubectl failed (exit " + exitCode + "): " + err.strip());
      }
      return out;
    }
  }

  private final Path binary;
  private final Path kubeconfig;
  private final Path cacheDir;

  public Kubectl(Path binary, Path kubeconfig, Path cacheDir) {
    this.binary = binary;
    this.kubeconfig = kubeconfig;
    this.cacheDir = cacheDir;
  }

  /** The kubectl on the PATH (or {@code /usr/bin/kubectl}), or null when there is none. */
  public static Path find() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path candidate = Path.of(dir, "kubectl");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    Path usual = Path.of("/usr/bin/kubectl");
    return Files.isExecutable(usual) ? usual : null;
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  /**
   * A kubectl that keeps running ({@code get -w}, {@code logs -f}): its output so far, and a way to
   * stop it.
   */
  public static final class Background implements AutoCloseable {
    private final Process process;
    private final StringBuffer out = new StringBuffer();
    private final Thread reader;

    private Background(Process process) {
      this.process = process;
      this.reader =
          new Thread(
              () -> {
                try (var in = process.getInputStream()) {
                  byte[] chunk = new byte[4096];
                  for (int n; (n = in.read(chunk)) > 0; ) {
                    out.append(new String(chunk, 0, n, StandardCharsets.UTF_8));
                  }
                } catch (IOException e) {
                  // the process ended
                }
              },
              "kubectl-out-" + process.pid());
      reader.setDaemon(true);
      reader.start();
    }

    /** What kubectl printed on stdout so far (stderr is merged into it). */
    public String output() {
      return out.toString();
    }

    public boolean alive() {
      return process.isAlive();
    }

    /** The exit code once kubectl has ended by itself, or empty while it runs. */
    public java.util.OptionalInt exitCode() {
      return process.isAlive()
          ? java.util.OptionalInt.empty()
          : java.util.OptionalInt.of(process.exitValue());
    }

    /** Stops kubectl (as Ctrl-C would) and waits for it. */
    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
        reader.join(5000);
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Starts kubectl with the given arguments and returns while it runs; stdin is empty. */
  public Background start(String... args) {
    try {
      Process process =
          new ProcessBuilder(command(args))
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      return new Background(process);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<String> command(String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.add("--kubeconfig=" + kubeconfig);
    command.add("--cache-dir=" + cacheDir);
    command.addAll(List.of(args));
    return command;
  }

  /** Runs kubectl with the given arguments; stdin is empty. */
  public Result run(String... args) {
    return runWithInput(null, args);
  }

  /** Runs kubectl with the given text on stdin (for {@code apply -f -}). */
  public Result runWithInput(String stdin, String... args) {
    List<String> command = command(args);
    Path errFile = null;
    try {
      // stderr goes to a file so a chatty kubectl cannot block on a full pipe while stdout is read.
      errFile = Files.createTempFile("kubectl", ".err");
      Process process = new ProcessBuilder(command).redirectError(errFile.toFile()).start();
      if (stdin != null) {
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      process.getOutputStream().close();
      var out = process.getInputStream().readAllBytes();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Result(
            -1, new String(out, StandardCharsets.UTF_8), "kubectl did not finish in 120 s");
      }
      return new Result(
          process.exitValue(), new String(out, StandardCharsets.UTF_8), Files.readString(errFile));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running kubectl", e);
    } finally {
      if (errFile != null) {
        try {
          Files.deleteIfExists(errFile);
        } catch (IOException ignored) {
          // a leftover temp file is harmless
        }
      }
    }
  }
}
