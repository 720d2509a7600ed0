package io.modelkeeper.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The command line: a command, the ModelDeployment it acts on, and kubectl's own flags (namespace,
 * context, kubeconfig), which are handed to kubectl as they are.
 */
record Options(
    String command,
    String name,
    String namespace,
    String context,
    String kubeconfig,
    boolean json,
    boolean watch,
    Duration interval,
    String reason,
    String retraining,
    boolean force,
    boolean noColor) {

  static final String USAGE =
      String.join(
          "\n",
          "kubectl modelkeeper: ModelDeployments at a glance, and their rollouts by hand.",
          "",
          "Commands:",
          "  get md NAME [--watch]     rollout tree: versions and pods, step and weight, the last"
              + " analysis",
          "                            with each gate, quality and drift, the latest retraining"
              + " run",
          "  promote NAME              promote the running canary now (annotation"
              + " modelkeeper.io/promote)",
          "  abort NAME [--reason T]   roll the canary back (annotation modelkeeper.io/abort)",
          "  pause NAME                hold the canary at its step (spec.rollout.paused: true)",
          "  resume NAME               let it go on (spec.rollout.paused: false)",
          "  retrain NAME [--reason T] [--retraining R]",
          "                            start a RetrainingRun of the ModelRetraining that retrains"
              + " NAME",
          "  history NAME              past rollouts with outcome and reason; runs with their"
              + " blessing",
          "",
          "Flags:",
          "  -n, --namespace NS        namespace (default: the context's)",
          "      --context CTX         kubeconfig context",
          "      --kubeconfig FILE     kubeconfig file",
          "  -o, --output json         JSON instead of text (get, history)",
          "  -w, --watch               redraw every --interval (default 2s) until interrupted",
          "      --force               pause/resume even when a GitOps tool manages the object",
          "      --no-color            no colours (also when NO_COLOR is set or not a terminal)",
          "",
          "kubectl itself runs every request (KUBECTL names another binary), so its credentials,"
              + " context",
          "and RBAC apply.");

  /** Parses {@code args}; a mistake is an {@link CliException} that names it. */
  static Options parse(List<String> args) {
    List<String> positional = new ArrayList<>();
    String namespace = null;
    String context = null;
    String kubeconfig = null;
    boolean json = false;
    boolean watch = false;
    Duration interval = Duration.ofSeconds(2);
    String reason = null;
    String retraining = null;
    boolean force = false;
    boolean noColor = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String flag =
          arg.contains("=") && arg.startsWith("--") ? arg.substring(0, arg.indexOf('=')) : arg;
      String inline = flag.equals(arg) ? null : arg.substring(arg.indexOf('=') + 1);
      switch (flag) {
        case "-n", "--namespace" -> namespace = value(args, i++, flag, inline);
        case "--context" -> context = value(args, i++, flag, inline);
        case "--kubeconfig" -> kubeconfig = value(args, i++, flag, inline);
        case "-o", "--output" -> {
          String output = value(args, i++, flag, inline);
          if (!output.equals("json")) {
            throw new CliException("-o takes json (the default is the text view), not " + output);
          }
          json = true;
        }
        case "-w", "--watch" -> watch = true;
        case "--interval" -> interval = duration(value(args, i++, flag, inline));
        case "--reason" -> reason = value(args, i++, flag, inline);
        case "--retraining" -> retraining = value(args, i++, flag, inline);
        case "--force" -> force = true;
        case "--no-color" -> noColor = true;
        case "-h", "--help" -> positional.add(0, "help");
        default -> {
          if (arg.startsWith("-") && arg.length() > 1) {
            throw new CliException("unknown flag " + arg + "\n\n" + USAGE);
          }
          positional.add(arg);
        }
      }
      if (inline != null) {
        i--;
      }
    }
    if (positional.isEmpty() || positional.get(0).equals("help")) {
      return new Options(
          "help", null, null, null, null, false, false, interval, null, null, false, noColor);
    }
    String command = positional.get(0);
    List<String> rest = positional.subList(1, positional.size());
    if (command.equals("get")) {
      if (rest.isEmpty() || !isModelDeploymentKind(kindOf(rest.get(0)))) {
        throw new CliException("usage: kubectl modelkeeper get md NAME [--watch]");
      }
      rest = rest.get(0).contains("/") ? rest : rest.subList(1, rest.size());
    }
    if (rest.size() != 1) {
      throw new CliException(
          "usage: kubectl modelkeeper " + command + " NAME (one ModelDeployment)\n\n" + USAGE);
    }
    String name =
        rest.get(0).contains("/")
            ? rest.get(0).substring(rest.get(0).indexOf('/') + 1)
            : rest.get(0);
    if (!List.of("get", "promote", "abort", "pause", "resume", "retrain", "history")
        .contains(command)) {
      throw new CliException("unknown command " + command + "\n\n" + USAGE);
    }
    if (!name.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?") || name.length() > 253) {
      throw new CliException("not a Kubernetes object name: " + name);
    }
    return new Options(
        command,
        name,
        namespace,
        context,
        kubeconfig,
        json,
        watch,
        interval,
        reason,
        retraining,
        force,
        noColor);
  }

  private static String kindOf(String word) {
    return word.contains("/") ? word.substring(0, word.indexOf('/')) : word;
  }

  private static boolean isModelDeploymentKind(String kind) {
    return List.of("md", "modeldeployment", "modeldeployments", "modeldeployments.modelkeeper.io")
        .contains(kind.toLowerCase(Locale.ROOT));
  }

  private static String value(List<String> args, int i, String flag, String inline) {
    if (inline != null) {
      return inline;
    }
    if (i + 1 >= args.size()) {
      throw new CliException(flag + " needs a value");
    }
    return args.get(i + 1);
  }

  /** 2s, 1500ms, 1m: the redraw interval of --watch. */
  static Duration duration(String text) {
    Duration parsed;
    if (text.matches("\\d{1,9}ms")) {
      parsed = Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
    } else if (text.matches("\\d{1,9}s")) {
      parsed = Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
    } else if (text.matches("\\d{1,9}m")) {
      parsed = Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
    } else {
      throw new CliException("--interval takes a duration such as 2s, 500ms or 1m, not " + text);
    }
    if (parsed.toMillis() < 200) {
      throw new CliException("--interval must be at least 200ms, not " + text);
    }
    return parsed;
  }
}
