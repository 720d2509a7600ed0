package io.modelkeeper.server.pods;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * The model's own pods, by token: the addresses that the names in {@code MODELKEEPER_PEERS} resolve
 * to (in Kubernetes, the operator's headless Service over the model's pods, whose DNS name answers
 * with every pod's IP). Looked up again when a token is not found, at most once a second, so a new
 * pod is known within a second of its first prediction while a caller sending made-up tokens causes
 * one DNS lookup a second at most.
 */
public final class ModelPods {

  /** Addresses kept at most: a Service over more pods than this is far beyond any model's. */
  static final int MAX_PODS = 1024;

  private static final Logger LOG = Logger.getLogger(ModelPods.class);
  private static final long LOOKUP_INTERVAL_MILLIS = 1000;

  /** Resolves one name to its addresses, like {@link InetAddress#getAllByName}. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String name) throws UnknownHostException;
  }

  private final List<String> names;
  private final Resolver resolver;
  private final LongSupplier clockMillis;
  private Map<String, InetAddress> byToken = Map.of();
  private long lookedUpAt = Long.MIN_VALUE / 2;

  public ModelPods(List<String> names, Resolver resolver, LongSupplier clockMillis) {
    this.names = List.copyOf(names);
    this.resolver = resolver;
    this.clockMillis = clockMillis;
  }

  /** The address of the model's pod with this token, or null when no pod of the model has it. */
  public synchronized InetAddress find(String token) {
    InetAddress address = byToken.get(token);
    long now = clockMillis.getAsLong();
    if (address == null && now - lookedUpAt >= LOOKUP_INTERVAL_MILLIS) {
      lookedUpAt = now;
      byToken = lookUp();
      address = byToken.get(token);
    }
    return address;
  }

  private Map<String, InetAddress> lookUp() {
    Map<String, InetAddress> found = new HashMap<>();
    for (String name : names) {
      try {
        for (InetAddress address : resolver.resolve(name)) {
          if (found.size() < MAX_PODS) {
            found.put(PodToken.of(address), address);
          }
        }
      } catch (UnknownHostException e) {
        LOG.debugf("the model's pods could not be looked up at %s: %s", name, e.getMessage());
      }
    }
    return Map.copyOf(found);
  }
}
