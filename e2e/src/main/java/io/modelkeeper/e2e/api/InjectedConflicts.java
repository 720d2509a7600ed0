package io.modelkeeper.e2e.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Fault injection for scenarios: the next N writes (PUT or PATCH) of one object are answered 409
 * Conflict, as a real API server answers a write made from a stale copy — what a controller meets
 * when its informer lags behind another writer. The local API server checks each write against the
 * orders here before anything else; the order is used up one conflict at a time.
 *
 * <p>Reached in-process ({@link LocalApiServer#conflicts()}) or over HTTP under {@link #PATH}.
 */
public final class InjectedConflicts {

  /** The admin path: {@code POST} an order, {@code GET} what is left, {@code DELETE} all. */
  public static final String PATH = "/local/v1/conflicts";

  /** At most this many conflicts per order, and this many orders at a time. */
  static final int MAX_WRITES = 1000;

  static final int MAX_ORDERS = 100;

  /**
   * The writes an order applies to: those of the object {@code kind} (as in its manifest: {@code
   * Deployment}, {@code ModelDeployment}) {@code namespace}/{@code name} ({@code namespace} null
   * for a cluster-scoped object); with {@code statusSubresource} only writes of its {@code /status}
   * subresource, else every write (the object, {@code /status}, {@code /scale}); with a {@code
   * client} only writes whose User-Agent names that program ({@code fabric8-kubernetes-client},
   * {@code kubectl}, as the request log counts them), else anyone's.
   */
  public record Target(
      String kind, String namespace, String name, boolean statusSubresource, String client) {

    public Target {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(name, "name");
      if (kind.isBlank() || name.isBlank()) {
        throw new IllegalArgumentException("a conflict needs the object's kind and name");
      }
      if (client != null && client.isBlank()) {
        client = null;
      }
    }

    /** Every write of one object, by anyone. */
    public static Target of(String kind, String namespace, String name) {
      return new Target(kind, namespace, name, false, null);
    }

    /** Only the writes of the object's {@code /status}. */
    public Target statusOnly() {
      return new Target(kind, namespace, name, true, client);
    }

    /** Only the writes of one client (the product in its User-Agent). */
    public Target byClient(String product) {
      return new Target(kind, namespace, name, statusSubresource, product);
    }

    boolean matches(String kind, String namespace, String name, String subresource, String agent) {
      return this.kind.equals(kind)
          && Objects.equals(this.namespace, namespace)
          && this.name.equals(name)
          && (!statusSubresource || "status".equals(subresource))
          && (client == null || client.equals(RequestLog.clientOf(agent)));
    }
  }

  /** An order and how many of its conflicts are still to come. */
  public record Pending(Target target, int writes) {}

  private final Map<Target, Integer> orders = new LinkedHashMap<>();
  private long answered;

  /**
   * Answers the next {@code writes} writes that {@code target} names with 409 Conflict (replacing
   * an earlier order for the same target; 0 cancels it).
   */
  public synchronized void next(Target target, int writes) {
    if (writes < 0 || writes > MAX_WRITES) {
      throw new IllegalArgumentException(
          "writes must be between 0 and " + MAX_WRITES + ", not " + writes);
    }
    if (writes == 0) {
      orders.remove(target);
      return;
    }
    if (!orders.containsKey(target) && orders.size() >= MAX_ORDERS) {
      throw new IllegalArgumentException(
          "at most " + MAX_ORDERS + " conflict orders at a time: delete some first");
    }
    orders.put(target, writes);
  }

  /** The conflicts still to come for {@code target}. */
  public synchronized int remaining(Target target) {
    return orders.getOrDefault(target, 0);
  }

  /** Every order with conflicts still to come, oldest first. */
  public synchronized List<Pending> pending() {
    List<Pending> list = new ArrayList<>();
    orders.forEach((target, writes) -> list.add(new Pending(target, writes)));
    return list;
  }

  /** How many writes have been answered with an injected conflict since the server started. */
  public synchronized long answered() {
    return answered;
  }

  /** Cancels every order. */
  public synchronized void clear() {
    orders.clear();
  }

  /** True when an order names this write: then it wants a conflict (nothing is used up yet). */
  synchronized boolean wanted(
      String kind, String namespace, String name, String subresource, String agent) {
    return find(kind, namespace, name, subresource, agent) != null;
  }

  /** Uses up one conflict of the first order that names this write; false when none does. */
  synchronized boolean take(
      String kind, String namespace, String name, String subresource, String agent) {
    Target target = find(kind, namespace, name, subresource, agent);
    if (target == null) {
      return false;
    }
    int left = orders.get(target) - 1;
    if (left == 0) {
      orders.remove(target);
    } else {
      orders.put(target, left);
    }
    answered++;
    return true;
  }

  private Target find(
      String kind, String namespace, String name, String subresource, String agent) {
    for (Target target : orders.keySet()) {
      if (target.matches(kind, namespace, name, subresource, agent)) {
        return target;
      }
    }
    return null;
  }
}
