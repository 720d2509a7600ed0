package io.modelkeeper.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the user's kubectl with their kubeconfig, context and namespace flags: its credentials, exec
 * plugins and RBAC are what every request goes through, and nothing here reads a kubeconfig.
 */
final class Kubectl {

  /** kubectl's answer is read up to this size; a larger one is refused rather than held. */
  static final int MAX_OUTPUT = 32 * 1024 * 1024;

  static final ObjectMapper JSON = new ObjectMapper();

  private final String binary;
  private final List<String> globalFlags;

  Kubectl(String binary, Options options) {
    this.binary = binary;
    this.globalFlags = new ArrayList<>();
    if (options.kubeconfig() != null) {
      globalFlags.add("--kubeconfig=" + options.kubeconfig());
    }
    if (options.context() != null) {
      globalFlags.add("--context=" + options.context());
    }
    if (options.namespace() != null) {
      globalFlags.add("--namespace=" + options.namespace());
    }
  }

  /** A started kubectl whose JSON answer is read by {@link Call#json()}. */
  final class Call {
    private final Process process;
    private final List<String> args;
    private final CompletableFuture<byte[]> out;
    private final CompletableFuture<byte[]> err;

    private Call(List<String> args, byte[] input) {
      this.args = args;
      List<String> command = new ArrayList<>();
      command.add(binary);
      command.addAll(globalFlags);
      command.addAll(args);
      try {
        process = new ProcessBuilder(command).start();
      } catch (IOException e) {
        throw new CliException(
            "cannot run " + binary + " (" + e.getMessage() + "): is kubectl on PATH?");
      }
      out = reader(process.getInputStream(), process);
      err = reader(process.getErrorStream(), process);
      try (OutputStream stdin = process.getOutputStream()) {
        if (input != null) {
          stdin.write(input);
        }
      } catch (IOException e) {
        // kubectl exited before reading: its exit code and stderr tell why.
      }
    }

    /** kubectl's output, or a {@link CliException} with its error message. */
    String text() {
      try {
        int code = process.waitFor();
        byte[] stdout = joined(out);
        if (code != 0) {
          String message = new String(joined(err), StandardCharsets.UTF_8).strip();
          throw new CliException(
              message.isEmpty()
                  ? "kubectl " + args.get(0) + " failed (exit " + code + ")"
                  : message);
        }
        return new String(stdout, StandardCharsets.UTF_8);
      } catch (InterruptedException e) {
        process.destroy();
        Thread.currentThread().interrupt();
        throw new CliException("interrupted");
      }
    }

    private static byte[] joined(CompletableFuture<byte[]> stream) {
      try {
        return stream.join();
      } catch (java.util.concurrent.CompletionException e) {
        throw e.getCause() instanceof CliException c ? c : e;
      }
    }

    JsonNode json() {
      try {
        return JSON.readTree(text());
      } catch (IOException e) {
        throw new CliException(
            "kubectl " + args.get(0) + " did not answer JSON: " + e.getMessage());
      }
    }
  }

  /** Starts kubectl with these arguments now; calls started together run side by side. */
  Call start(String... args) {
    return new Call(List.of(args), null);
  }

  /** Starts kubectl with {@code input} on its standard input (a manifest for create -f -). */
  Call startWithInput(byte[] input, String... args) {
    return new Call(List.of(args), input);
  }

  /** One thread per stream: a pool could leave a full pipe unread and stall kubectl. */
  private static CompletableFuture<byte[]> reader(InputStream stream, Process process) {
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                result.complete(read(stream, process));
              } catch (RuntimeException e) {
                result.completeExceptionally(e);
              }
            },
            "kubectl-output");
    thread.setDaemon(true);
    thread.start();
    return result;
  }

  private static byte[] read(InputStream stream, Process process) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    byte[] chunk = new byte[64 * 1024];
    try (stream) {
      for (int n; (n = stream.read(chunk)) >= 0; ) {
        if (buffer.size() + n > MAX_OUTPUT) {
          process.destroyForcibly();
          throw new CliException(
              "kubectl's answer is larger than " + MAX_OUTPUT / 1024 / 1024 + " MiB");
        }
        buffer.write(chunk, 0, n);
      }
    } catch (IOException e) {
      // The process ended; what was read is its answer.
    }
    return buffer.toByteArray();
  }
}
