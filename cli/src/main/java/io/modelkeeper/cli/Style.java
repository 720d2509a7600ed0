package io.modelkeeper.cli;

/**
 * Symbols and colours like kubectl's and Argo Rollouts': ✔ healthy, ◌ progressing, ॥ paused, ✖
 * failed, ⚠ degraded. Colours only on a terminal without NO_COLOR; the symbols always, so a pipe or
 * a log reads the same words.
 */
final class Style {

  static final String OK = "✔";
  static final String PROGRESSING = "◌";
  static final String PAUSED = "॥";
  static final String FAILED = "✖";
  static final String WARNING = "⚠";
  static final String NO_DATA = "·";

  private static final String RESET = "\u001b[0m";

  private final boolean colour;

  Style(boolean colour) {
    this.colour = colour;
  }

  /** Colours when stdout is a terminal (the launcher tells), NO_COLOR unset and not --no-color. */
  static Style detect(boolean terminal, String noColorEnv, boolean noColorFlag) {
    boolean noColor = noColorFlag || (noColorEnv != null && !noColorEnv.isEmpty());
    return new Style(terminal && !noColor);
  }

  boolean colour() {
    return colour;
  }

  String green(String text) {
    return paint("32", text);
  }

  String yellow(String text) {
    return paint("33", text);
  }

  String red(String text) {
    return paint("31", text);
  }

  String grey(String text) {
    return paint("90", text);
  }

  String bold(String text) {
    return paint("1", text);
  }

  /** A status word with its symbol in its colour: "✔ Healthy", "✖ RolledBack". */
  String status(String symbol, String word) {
    String text = symbol + " " + word;
    return switch (symbol) {
      case OK -> green(text);
      case FAILED -> red(text);
      case PROGRESSING, WARNING -> yellow(text);
      default -> grey(text);
    };
  }

  /** The symbol of a ModelDeployment phase. */
  static String ofPhase(String phase, boolean paused) {
    if (paused) {
      return PAUSED;
    }
    return switch (phase == null ? "" : phase) {
      case "Ready" -> OK;
      case "Failed" -> FAILED;
      case "Degraded" -> WARNING;
      default -> PROGRESSING;
    };
  }

  /** The symbol of a RetrainingRun phase. */
  static String ofRunPhase(String phase) {
    return switch (phase == null ? "" : phase) {
      case "Promoted" -> OK;
      case "Failed", "RolledBack", "NotBlessed" -> FAILED;
      case "Superseded" -> NO_DATA;
      default -> PROGRESSING;
    };
  }

  private String paint(String code, String text) {
    return colour ? "\u001b[" + code + "m" + text + RESET : text;
  }

  /** Visible width of a painted string: what the terminal shows, without escape codes. */
  static int width(String text) {
    String visible = text.replaceAll("\u001b\\[[0-9;]*m", "");
    return visible.codePointCount(0, visible.length());
  }

  /** {@code text} padded with spaces to {@code width} visible columns. */
  static String pad(String text, int width) {
    int missing = width - width(text);
    return missing <= 0 ? text : text + " ".repeat(missing);
  }
}
