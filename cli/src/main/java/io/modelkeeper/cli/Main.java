package io.modelkeeper.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** {@code kubectl modelkeeper}: parses the command line and runs one command. */
public final class Main {

  /** ANSI: cursor home, clear screen, for --watch on a terminal. */
  static final String CLEAR = "\u001b[H\u001b[2J";

  private Main() {}

  public static void main(String[] args) {
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
    int code;
    try {
      code = run(List.of(args), System.getenv(), out, err);
    } catch (CliException e) {
      out.flush();
      // kubectl's own messages already start with "error: ".
      String message =
          e.getMessage().startsWith("error: ") ? e.getMessage().substring(7) : e.getMessage();
      err.println("error: " + message);
      code = 1;
    }
    out.flush();
    System.exit(code);
  }

  /**
   * Runs one command.
   *
   * @param env the environment: KUBECTL (the kubectl to run) and NO_COLOR are read from it
   */
  static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    Options options = Options.parse(args);
    boolean terminal = Boolean.getBoolean("kubectl-modelkeeper.tty");
    Style style = Style.detect(terminal, env.get("NO_COLOR"), options.noColor());
    if (options.command().equals("help")) {
      out.println(Options.USAGE);
      return 0;
    }
    Kubectl kubectl =
        new Kubectl(Objects.requireNonNullElse(env.get("KUBECTL"), "kubectl"), options);
    Clock clock = Clock.systemUTC();
    ManualActions.Output lines =
        new ManualActions.Output() {
          @Override
          public void result(String line) {
            out.println(line);
          }

          @Override
          public void note(String line) {
            err.println(style.yellow(line));
          }
        };
    switch (options.command()) {
      case "get" -> get(options, kubectl, style, terminal, clock, out);
      case "history" -> {
        ModelSnapshot snapshot = ModelSnapshot.read(kubectl, options.name());
        out.print(
            options.json()
                ? pretty(HistoryView.json(snapshot))
                : new HistoryView(style).render(snapshot));
      }
      case "promote" -> new ManualActions(kubectl, style, clock, lines).promote(options.name());
      case "abort" ->
          new ManualActions(kubectl, style, clock, lines).abort(options.name(), options.reason());
      case "pause" ->
          new ManualActions(kubectl, style, clock, lines)
              .setPaused(options.name(), true, options.force());
      case "resume" ->
          new ManualActions(kubectl, style, clock, lines)
              .setPaused(options.name(), false, options.force());
      case "retrain" -> {
        ModelSnapshot snapshot = ModelSnapshot.read(kubectl, options.name());
        String retraining =
            Retrain.retrainingFor(options.name(), snapshot.retrainings(), options.retraining());
        String run =
            Retrain.create(kubectl, Retrain.run(retraining, options.reason(), clock.instant()));
        out.println(
            style.status(Style.PROGRESSING, "retrainingrun/" + run)
                + " created: modelretraining/"
                + retraining
                + " retrains md/"
                + options.name()
                + " (follow it: kubectl modelkeeper get md "
                + options.name()
                + " --watch)");
      }
      default -> throw new CliException("unknown command " + options.command());
    }
    return 0;
  }

  /** One look, or with --watch a redraw every interval: in place on a terminal, else on change. */
  private static void get(
      Options options,
      Kubectl kubectl,
      Style style,
      boolean terminal,
      Clock clock,
      PrintStream out) {
    String previous = null;
    while (true) {
      ModelSnapshot snapshot = ModelSnapshot.read(kubectl, options.name());
      String today = LocalDate.now(clock.withZone(ZoneOffset.UTC)).toString();
      String text =
          options.json() ? pretty(snapshot.toJson()) : new TreeView(style, today).render(snapshot);
      if (!options.watch()) {
        out.print(text);
        return;
      }
      if (terminal && !options.json()) {
        out.print(CLEAR + text);
      } else if (!text.equals(previous)) {
        out.print(previous == null || options.json() ? text : "\n" + text);
      }
      out.flush();
      previous = text;
      try {
        Thread.sleep(options.interval().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static String pretty(JsonNode json) {
    try {
      return Kubectl.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new CliException("cannot write JSON: " + e.getMessage());
    }
  }
}
