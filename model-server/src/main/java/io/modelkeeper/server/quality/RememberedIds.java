package io.modelkeeper.server.quality;

import io.modelkeeper.server.pods.PodToken;
import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * The ids of the prediction store's slots and a hash index from id to slot, kept in flat arrays.
 *
 * <p>A store of 100,000 predictions remembers up to 300,000 ids for half an hour or more; as map
 * entries and strings each of them cost the collector several objects to copy and promote. Here an
 * id that is a canonical lower-case UUID (as the server generates, alone or followed by the serving
 * pod's token, which a store of one pod need not tell apart) is kept as its two longs, any other id
 * as its string, and the index is an open-addressing table of slot numbers, so a remembered id adds
 * no objects at all in the common case. Not thread-safe: the store locks.
 */
final class RememberedIds {
  private static final int NO_SLOT = -1;

  /** An id as the index compares it: a UUID's two longs, or else the string; and its hash. */
  record Key(long high, long low, String text, int hash) {

    /** Parses an id; cheap, and done before the store's lock is taken. */
    static Key of(String id) {
      long[] uuid = parseUuid(withoutPodToken(id));
      return uuid == null
          ? new Key(0, 0, id, mix(id.hashCode()))
          : new Key(uuid[0], uuid[1], null, mix(uuid[0] * 31 + uuid[1]));
    }
  }

  private long[] high = new long[0];
  private long[] low = new long[0];
  private String[] text = new String[0];

  /**
   * Per bucket, the id's hash in the upper half and its slot plus one in the lower; 0 is empty. The
   * hash spares a probe from reading the slot of every id it passes. Linear probing, at most half
   * full.
   */
  private long[] buckets = new long[0];

  private long textBytes;

  /** The slot holding the id, or -1. */
  int find(Key key) {
    if (buckets.length == 0) {
      return NO_SLOT;
    }
    int mask = buckets.length - 1;
    for (int b = key.hash() & mask; buckets[b] != 0; b = (b + 1) & mask) {
      if ((int) (buckets[b] >>> 32) != key.hash()) {
        continue;
      }
      int slot = (int) buckets[b] - 1;
      if (key.text() == null
          ? text[slot] == null && high[slot] == key.high() && low[slot] == key.low()
          : key.text().equals(text[slot])) {
        return slot;
      }
    }
    return NO_SLOT;
  }

  /** Stores the id in {@code slot}, which must be free, and indexes it. */
  void put(int slot, Key key) {
    high[slot] = key.high();
    low[slot] = key.low();
    text[slot] = key.text();
    if (key.text() != null) {
      textBytes += stringBytes(key.text());
    }
    insert(slot, key.hash());
  }

  /** Forgets the id in {@code slot}. */
  void remove(int slot) {
    int mask = buckets.length - 1;
    long entry = ((long) hashOf(slot) << 32) | (slot + 1);
    int b = hashOf(slot) & mask;
    while (buckets[b] != entry) {
      b = (b + 1) & mask;
    }
    buckets[b] = 0;
    // Backward-shift deletion: move later entries of the run into the gap so probes still work.
    for (int gap = b, next = (b + 1) & mask; buckets[next] != 0; next = (next + 1) & mask) {
      int home = (int) (buckets[next] >>> 32) & mask;
      if (((next - home) & mask) >= ((next - gap) & mask)) {
        buckets[gap] = buckets[next];
        buckets[next] = 0;
        gap = next;
      }
    }
    if (text[slot] != null) {
      textBytes -= stringBytes(text[slot]);
      text[slot] = null;
    }
  }

  /** Grows to {@code slots} slots and re-indexes the ids held, as {@code holdsId} tells. */
  void grow(int slots, IntPredicate holdsId) {
    int old = high.length;
    high = Arrays.copyOf(high, slots);
    low = Arrays.copyOf(low, slots);
    text = Arrays.copyOf(text, slots);
    buckets = new long[Integer.highestOneBit(Math.max(1, slots - 1)) << 2];
    for (int slot = 0; slot < old; slot++) {
      if (holdsId.test(slot)) {
        insert(slot, hashOf(slot));
      }
    }
  }

  /** Estimated heap bytes: the arrays, plus the ids kept as strings. */
  long estimatedBytes() {
    return high.length * (8L + 8 + 4) + buckets.length * 8L + textBytes;
  }

  private void insert(int slot, int hash) {
    int mask = buckets.length - 1;
    int b = hash & mask;
    while (buckets[b] != 0) {
      b = (b + 1) & mask;
    }
    buckets[b] = ((long) hash << 32) | (slot + 1);
  }

  private int hashOf(int slot) {
    return text[slot] != null ? mix(text[slot].hashCode()) : mix(high[slot] * 31 + low[slot]);
  }

  private static int mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return (int) h;
  }

  /** A string's object, its byte array and its latin-1 bytes, 64-bit layout. */
  private static long stringBytes(String id) {
    return 24 + 16 + id.length();
  }

  /** {@code <uuid>.<pod token>} without its token; any other id as it is. */
  private static String withoutPodToken(String id) {
    return id.length() == 36 + 1 + 12 && PodToken.in(id) != null ? id.substring(0, 36) : id;
  }

  /** A canonical lower-case UUID as its two longs; null for any other id. */
  private static long[] parseUuid(String id) {
    if (id.length() != 36) {
      return null;
    }
    long hi = 0;
    long lo = 0;
    int digits = 0;
    for (int i = 0; i < 36; i++) {
      char c = id.charAt(i);
      if (i == 8 || i == 13 || i == 18 || i == 23) {
        if (c != '-') {
          return null;
        }
        continue;
      }
      int value = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (value < 0) {
        return null;
      }
      if (digits++ < 16) {
        hi = hi << 4 | value;
      } else {
        lo = lo << 4 | value;
      }
    }
    return new long[] {hi, lo};
  }
}
