package io.kubewalk.sim.net;

import inet.ipaddr.AddressStringException;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;

/**
 * An IPv4 prefix such as {@code 10.244.0.0/16}. Parsing (with the ipaddress library) rejects host
 * bits that are set, as kubeadm and kube-proxy do for their CIDR flags; use {@link #parseInterface}
 * for interface addresses like {@code 172.17.0.1/24}.
 */
public record Cidr(Ip network, int prefix) implements Comparable<Cidr> {

  public Cidr {
    if (prefix < 0 || prefix > 32) {
      throw new IllegalArgumentException("prefix length " + prefix + " is not in 0-32");
    }
    if ((network.bits() & ~mask(prefix)) != 0) {
      throw new IllegalArgumentException(
          network + "/" + prefix + " has host bits set (network is "
              + new Ip(network.bits() & mask(prefix)) + "/" + prefix + ")");
    }
  }

  public static final Cidr DEFAULT = new Cidr(Ip.ANY, 0);

  public static Cidr parse(String text) {
    IPAddress a = address(text);
    Ip low = new Ip(a.getLower().toIPv4().intValue());
    int len = a.getNetworkPrefixLength();
    if (!a.isPrefixBlock()) {
      throw new IllegalArgumentException(
          "'" + text + "' has host bits set (network is " + Cidr.of(low, len) + ")");
    }
    return new Cidr(low, len);
  }

  /** An address with its prefix, as on an interface: {@code 172.17.0.1/24}. */
  public static IfAddr parseInterface(String text) {
    IPAddress a = address(text);
    return new IfAddr(new Ip(a.getLower().toIPv4().intValue()), a.getNetworkPrefixLength());
  }

  private static IPAddress address(String text) {
    if (text == null || !text.contains("/")) {
      throw new IllegalArgumentException("'" + text + "' is not a CIDR (expected a.b.c.d/len)");
    }
    try {
      // toAddress() returns null for "/24" (a prefix alone); wildcards like 1.2.3.*/24 are
      // ranges, not CIDRs: refuse both.
      IPAddress a = new IPAddressString(text.trim()).toAddress();
      if (a == null || !a.isIPv4() || a.getNetworkPrefixLength() == null
          || text.contains("*") || text.contains("-") || text.indexOf('/') == 0) {
        throw new IllegalArgumentException("'" + text + "' is not an IPv4 CIDR");
      }
      return a;
    } catch (AddressStringException e) {
      throw new IllegalArgumentException("'" + text + "' is not an IPv4 CIDR");
    }
  }

  public static Cidr of(Ip network, int prefix) {
    return new Cidr(new Ip(network.bits() & mask(prefix)), prefix);
  }

  public static Cidr host(Ip ip) {
    return new Cidr(ip, 32);
  }

  public static int mask(int prefix) {
    return prefix == 0 ? 0 : -1 << (32 - prefix);
  }

  public boolean contains(Ip ip) {
    return (ip.bits() & mask(prefix)) == network.bits();
  }

  public boolean contains(Cidr other) {
    return other.prefix >= prefix && contains(other.network);
  }

  public boolean overlaps(Cidr other) {
    return contains(other.network) || other.contains(network);
  }

  public long size() {
    return 1L << (32 - prefix);
  }

  /** The n-th address of the prefix (0 is the network address). */
  public Ip address(long n) {
    if (n < 0 || n >= size()) {
      throw new IllegalArgumentException("address #" + n + " is outside " + this);
    }
    return network.plus(n);
  }

  public Ip broadcast() {
    return network.plus(size() - 1);
  }

  /** The index-th sub-prefix of the given length, as node IPAM slices a cluster CIDR. */
  public Cidr subnet(int newPrefix, long index) {
    if (newPrefix < prefix) {
      throw new IllegalArgumentException("/" + newPrefix + " is larger than " + this);
    }
    long count = 1L << (newPrefix - prefix);
    if (index < 0 || index >= count) {
      throw new IllegalArgumentException(this + " has only " + count + " /" + newPrefix + " subnets");
    }
    return new Cidr(network.plus(index << (32 - newPrefix)), newPrefix);
  }

  @Override
  public int compareTo(Cidr o) {
    int c = network.compareTo(o.network);
    return c != 0 ? c : Integer.compare(prefix, o.prefix);
  }

  @Override
  public String toString() {
    return network + "/" + prefix;
  }
}
