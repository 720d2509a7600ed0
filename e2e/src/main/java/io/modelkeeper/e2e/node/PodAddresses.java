package io.modelkeeper.e2e.node;

import java.util.BitSet;

/** Hands out the pod addresses of the local node, 127.0.0.2 to 127.0.0.254, each to one pod at a time. */
final class PodAddresses {

  private static final int FIRST = 2;
  private static final int LAST = 254;

  private final BitSet used = new BitSet();

  synchronized String take() {
    int next = used.nextClearBit(FIRST);
    if (next > LAST) {
      throw new IllegalStateException("the local node has no free pod address left (253 pods)");
    }
    used.set(next);
    return "127.0.0." + next;
  }

  synchronized void give(String address) {
    used.clear(Integer.parseInt(address.substring(address.lastIndexOf('.') + 1)));
  }
}
