package io.modelkeeper.operator.tuning;

import java.util.Locale;

/** The one place an algorithm's name becomes a strategy. */
public final class SearchStrategies {

  /** The grid size {@link #of(String)} plans for, having no number of trials. */
  public static final int DEFAULT_GRID_TRIALS = 10;

  private SearchStrategies() {}

  /**
   * {@code "random" | "grid" | "tpe"} (TPE with its defaults; a grid planned for {@value
   * #DEFAULT_GRID_TRIALS} trials: prefer {@link #of(String, int)}); IllegalArgumentException naming
   * the value otherwise.
   */
  public static SearchStrategy of(String algorithm) {
    return of(algorithm, DEFAULT_GRID_TRIALS);
  }

  /** As {@link #of(String)}, with a grid planned for {@code trials} trials. */
  public static SearchStrategy of(String algorithm, int trials) {
    String name = algorithm == null ? "" : algorithm.trim().toLowerCase(Locale.ROOT);
    return switch (name) {
      case "random" -> new RandomSearch();
      case "grid" -> new GridSearch(trials);
      case "tpe" -> new Tpe();
      default ->
          throw new IllegalArgumentException(
              "unknown search algorithm '" + algorithm + "': expected random, grid or tpe");
    };
  }
}
