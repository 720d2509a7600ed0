package io.modelkeeper.server.fetch;

import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import java.time.Duration;
import java.util.Map;

/**
 * How much a model download may bring and how long it may take: a size cap, a connect timeout, a
 * read timeout (for the headers and then for each piece of the body) and a deadline for the whole.
 */
public record FetchLimits(
    long maxModelBytes, Duration connectTimeout, Duration readTimeout, Duration deadline) {

  /** ONNX files cannot be larger than protobuf's 2 GB limit anyway. */
  public static final String DEFAULT_MAX_MODEL_SIZE = "2G";

  public static final String DEFAULT_CONNECT_TIMEOUT = "10s";
  public static final String DEFAULT_READ_TIMEOUT = "60s";
  public static final String DEFAULT_DEADLINE = "30m";

  /** A drift reference holds per-feature bins: anything larger than this is not one. */
  public static final long MAX_REFERENCE_BYTES = 64L * 1024 * 1024;

  public FetchLimits {
    if (maxModelBytes <= 0) {
      throw new IllegalArgumentException("the model size limit must be positive");
    }
    for (Duration duration : new Duration[] {connectTimeout, readTimeout, deadline}) {
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException("fetch timeouts must be positive, got " + duration);
      }
    }
  }

  public static FetchLimits defaults() {
    return fromEnv(Map.of());
  }

  /**
   * Reads MODELKEEPER_MAX_MODEL_SIZE, MODELKEEPER_FETCH_CONNECT_TIMEOUT, _READ_TIMEOUT and
   * _DEADLINE (the fetch mode runs without the server's configuration).
   *
   * @throws IllegalArgumentException naming the variable whose value cannot be read
   */
  public static FetchLimits fromEnv(Map<String, String> env) {
    return new FetchLimits(
        size(env, "MODELKEEPER_MAX_MODEL_SIZE", DEFAULT_MAX_MODEL_SIZE),
        duration(env, "MODELKEEPER_FETCH_CONNECT_TIMEOUT", DEFAULT_CONNECT_TIMEOUT),
        duration(env, "MODELKEEPER_FETCH_READ_TIMEOUT", DEFAULT_READ_TIMEOUT),
        duration(env, "MODELKEEPER_FETCH_DEADLINE", DEFAULT_DEADLINE));
  }

  /** "30 s", or "500 ms" below a second or off whole seconds. */
  static String describe(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
  }

  private static long size(Map<String, String> env, String name, String fallback) {
    String value = env.getOrDefault(name, fallback).trim();
    try {
      return new MemorySizeConverter().convert(value).asLongValue();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          name + " must be a size such as 512M or 2G, got '" + value + "'", e);
    }
  }

  private static Duration duration(Map<String, String> env, String name, String fallback) {
    String value = env.getOrDefault(name, fallback).trim();
    try {
      return DurationConverter.parseDuration(value);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          name + " must be a duration such as 30s or 10m, got '" + value + "'", e);
    }
  }
}
