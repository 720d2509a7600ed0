package io.modelkeeper.e2e.api;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * How many requests the local API server has answered, by client, verb and resource: what a test
 * counts to show that a controller leaves a steady object alone.
 */
public final class RequestLog {

  /**
   * One kind of request. {@code client} is the User-Agent's product ({@code kubectl}, {@code
   * fabric8-kubernetes-client}, {@code modelkeeper-local-node}); {@code method} the HTTP method;
   * {@code resource} the plural, {@code subresource} {@code status}, {@code scale}, {@code log} or
   * null; {@code watch} whether it was a watch.
   */
  public record Kind(
      String client,
      String method,
      String group,
      String resource,
      String subresource,
      boolean watch) {

    /** A write of the object itself (not of a subresource): POST, PUT, PATCH. */
    public boolean writesObject(String group, String resource) {
      return this.group.equals(group)
          && this.resource.equals(resource)
          && subresource == null
          && (method.equals("POST") || method.equals("PUT") || method.equals("PATCH"));
    }
  }

  private final Map<Kind, LongAdder> counts = new ConcurrentHashMap<>();

  void record(String userAgent, String method, String path, boolean watch) {
    String client = clientOf(userAgent);
    String group = "";
    String resource = "";
    String subresource = null;
    if (path.startsWith("/api/") || path.startsWith("/apis/")) {
      try {
        KubectlDispatcher.ResourcePath parsed = KubectlDispatcher.ResourcePath.parse(path);
        group = parsed.group();
        resource = parsed.plural();
        subresource = parsed.subresource();
      } catch (RuntimeException e) {
        resource = path; // discovery paths such as /apis/<group>
      }
    } else {
      resource = path;
    }
    counts
        .computeIfAbsent(
            new Kind(client, method, group, resource, subresource, watch), k -> new LongAdder())
        .increment();
  }

  /** The program a User-Agent names: {@code kubectl/v1.32.0 (linux/amd64)} is {@code kubectl}. */
  static String clientOf(String userAgent) {
    return userAgent == null ? "" : userAgent.split("[/ ]", 2)[0];
  }

  /** How many requests matched. */
  public long count(Predicate<Kind> which) {
    return counts.entrySet().stream()
        .filter(e -> which.test(e.getKey()))
        .mapToLong(e -> e.getValue().sum())
        .sum();
  }

  /** Every kind of request seen so far with its count, for a failure message. */
  public Map<Kind, Long> snapshot() {
    Map<Kind, Long> copy = new java.util.TreeMap<>(java.util.Comparator.comparing(Kind::toString));
    counts.forEach((kind, count) -> copy.put(kind, count.sum()));
    return copy;
  }
}
