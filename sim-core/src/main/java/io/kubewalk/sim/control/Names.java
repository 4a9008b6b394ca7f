package io.kubewalk.sim.control;

import java.nio.charset.StandardCharsets;

/**
 * Generated object names as Kubernetes makes them: a ReplicaSet's pod-template-hash and a pod's
 * five-character suffix use apimachinery's "safe" alphabet (no vowels, no 0/1/3), so names look
 * like {@code coredns-787d4945fb-6c8fb}. kubewalk derives them from FNV-1a hashes of stable keys
 * instead of randomness, so every run gives the same names.
 */
public final class Names {

  /** apimachinery's rand.alphanums: consonants and digits that cannot spell words. */
  private static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

  private Names() {}

  public static int fnv32a(String key) {
    int h = 0x811c9dc5;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x01000193;
    }
    return h;
  }

  /** apimachinery's SafeEncodeString of the decimal text of a uint32 hash (pod-template-hash). */
  public static String templateHash(String key) {
    String digits = Integer.toUnsignedString(fnv32a(key));
    StringBuilder sb = new StringBuilder(digits.length());
    for (int i = 0; i < digits.length(); i++) {
      sb.append(ALPHANUMS.charAt(digits.charAt(i) % ALPHANUMS.length()));
    }
    return sb.toString();
  }

  /** A generateName-style suffix of n characters. */
  public static String suffix(String key, int n) {
    long h = Integer.toUnsignedLong(fnv32a(key)) | (long) fnv32a(key + "#") << 32;
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(ALPHANUMS.charAt((int) Long.remainderUnsigned(h, ALPHANUMS.length())));
      h = Long.divideUnsigned(h, ALPHANUMS.length());
    }
    return sb.toString();
  }
}
