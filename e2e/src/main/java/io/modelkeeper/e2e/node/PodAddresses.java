package io.modelkeeper.e2e.node;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.BitSet;

/**
 * Hands out the pod addresses of the local node, 127.0.0.2 to 127.0.0.254, each to one pod at a
 * time, skipping an address whose port 8080 something else on the machine already holds. Two local
 * clusters on one machine must not share a network: {@code MODELKEEPER_LOCAL_POD_NETWORK} (for
 * example {@code 127.0.7}) moves this node's pods to another loopback /24.
 */
final class PodAddresses {

  static final String NETWORK_VARIABLE = "MODELKEEPER_LOCAL_POD_NETWORK";
  private static final int FIRST = 2;
  private static final int LAST = 254;
  private static final int POD_PORT = 8080;

  private final BitSet used = new BitSet();
  private final String network;

  PodAddresses() {
    this(System.getenv().getOrDefault(NETWORK_VARIABLE, "127.0.0"));
  }

  PodAddresses(String network) {
    if (!network.matches("127\\.\\d{1,3}\\.\\d{1,3}")) {
      throw new IllegalArgumentException(
          NETWORK_VARIABLE + " must name a loopback /24 such as 127.0.7, not " + network);
    }
    this.network = network;
  }

  /** The /24 the addresses are taken from, such as {@code 127.0.0}. */
  String network() {
    return network;
  }

  synchronized String take() {
    for (int next = used.nextClearBit(FIRST); next <= LAST; next = used.nextClearBit(next + 1)) {
      String address = network + "." + next;
      if (free(address)) {
        used.set(next);
        return address;
      }
    }
    throw new IllegalStateException(
        "the local node has no free pod address left in " + network + ".2-254");
  }

  synchronized void give(String address) {
    used.clear(Integer.parseInt(address.substring(address.lastIndexOf('.') + 1)));
  }

  private static boolean free(String address) {
    try (ServerSocket probe = new ServerSocket(POD_PORT, 1, InetAddress.getByName(address))) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
