package io.modelkeeper.server.explain;

/**
 * The rows that stand for "feature absent": the base value is the model's mean over them.
 *
 * @param rows {@code rows × features}
 * @param source {@code request}, {@code reference} (the drift reference) or {@code live} (rows of
 *     recent requests)
 */
public record Background(double[][] rows, String source) {

  /** The first {@code n} rows, or all when there are fewer. */
  public Background first(int n) {
    return rows.length <= n ? this : new Background(java.util.Arrays.copyOf(rows, n), source);
  }
}
