package io.modelkeeper.e2e.node;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.BitSet;

/**
 * Hands out the pod addresses of the local node, 127.0.0.2 to 127.0.0.254, each to one pod at a
 * time, skipping an address whose port 8080 something else on the machine already holds.
 */
final class PodAddresses {

  private static final int FIRST = 2;
  private static final int LAST = 254;
  private static final int POD_PORT = 8080;

  private final BitSet used = new BitSet();

  synchronized String take() {
    for (int next = used.nextClearBit(FIRST); next <= LAST; next = used.nextClearBit(next + 1)) {
      String address = "127.0.0." + next;
      if (free(address)) {
        used.set(next);
        return address;
      }
    }
    throw new IllegalStateException("the local node has no free pod address left in 127.0.0.2-254");
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
