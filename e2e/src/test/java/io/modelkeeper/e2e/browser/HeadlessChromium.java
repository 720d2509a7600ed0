package io.modelkeeper.e2e.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Headless Chromium run once per page: the page is loaded, its scripts run (their fetches answered)
 * for a budget of virtual time, then Chromium prints the DOM as the scripts left it, or saves a
 * screenshot. Every console message the page logged, uncaught errors and failed loads included,
 * comes with it from Chromium's log.
 */
public final class HeadlessChromium {

  /** Console messages in Chromium's log: {@code [pid:tid:time:INFO:CONSOLE:12] "text", source:}. */
  private static final Pattern CONSOLE = Pattern.compile(":CONSOLE[^\\]]*\\]\\s*(.*)");

  private static final long BUDGET_MS = 4000;
  private static final long TIMEOUT_S = 60;

  private final Path binary;
  private final Path workDir;

  /** What a loaded page left: its DOM and the console messages it logged. */
  public record Page(String dom, List<String> console) {

    /** The value of {@code attribute} on the element of id {@code id}, or null. */
    public String attribute(String id, String attribute) {
      Matcher element =
          Pattern.compile("<[^>]*\\bid=\"" + Pattern.quote(id) + "\"[^>]*>").matcher(dom);
      if (!element.find()) {
        return null;
      }
      Matcher value =
          Pattern.compile("\\b" + Pattern.quote(attribute) + "=\"([^\"]*)\"")
              .matcher(element.group());
      return value.find() ? value.group(1) : null;
    }

    /** The value of {@code attribute} on the body element, or null. */
    public String bodyAttribute(String attribute) {
      Matcher body = Pattern.compile("<body[^>]*>").matcher(dom);
      if (!body.find()) {
        return null;
      }
      Matcher value =
          Pattern.compile("\\b" + Pattern.quote(attribute) + "=\"([^\"]*)\"").matcher(body.group());
      return value.find() ? value.group(1) : null;
    }
  }

  public HeadlessChromium(Path binary, Path workDir) {
    this.binary = binary;
    this.workDir = workDir;
  }

  /** Loads {@code url} and returns the DOM its scripts left and its console messages. */
  public Page load(String url) {
    Run run = run("--dump-dom", url);
    return new Page(run.out(), run.console());
  }

  /**
   * Loads {@code url} into a window {@code width} x {@code height} and saves what it shows to
   * {@code png}; returns the page's console messages.
   */
  public List<String> screenshot(String url, Path png, int width, int height) {
    try {
      Files.createDirectories(png.getParent());
      Files.deleteIfExists(png);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Run run =
        run("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height, url);
    if (!Files.isRegularFile(png)) {
      throw new IllegalStateException("chromium saved no screenshot of " + url + ":\n" + run.err());
    }
    return run.console();
  }

  private record Run(String out, String err, List<String> console) {}

  private Run run(String... args) {
    try {
      Files.createDirectories(workDir);
      // A profile of its own per run: two runs never share (or lock) one.
      Path profile = Files.createTempDirectory(workDir, "profile-");
      Path out = workDir.resolve(profile.getFileName() + ".out");
      Path err = workDir.resolve(profile.getFileName() + ".err");
      List<String> command =
          new ArrayList<>(
              List.of(
                  binary.toString(),
                  "--headless",
                  // Root in a container has no user namespace for the sandbox.
                  "--no-sandbox",
                  "--disable-gpu",
                  "--disable-dev-shm-usage",
                  "--no-first-run",
                  "--hide-scrollbars",
                  "--user-data-dir=" + profile,
                  "--enable-logging=stderr",
                  "--v=0",
                  "--virtual-time-budget=" + BUDGET_MS));
      command.addAll(List.of(args));
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      if (!process.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "chromium did not finish within " + TIMEOUT_S + " s: " + String.join(" ", command));
      }
      String stderr = Files.readString(err);
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            "chromium exited with "
                + process.exitValue()
                + ": "
                + String.join(" ", command)
                + "\n"
                + stderr);
      }
      List<String> console = new ArrayList<>();
      for (String line : stderr.split("\n")) {
        Matcher message = CONSOLE.matcher(line);
        if (message.find()) {
          console.add(message.group(1));
        }
      }
      String stdout = Files.readString(out);
      deleteTree(profile);
      return new Run(stdout, stderr, console);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running chromium", e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }
}
