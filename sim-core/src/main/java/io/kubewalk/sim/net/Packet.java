package io.kubewalk.sim.net;

/**
 * An IPv4 packet as the tracer carries it: L3/L4 header fields, the skb mark, and the outer header
 * while VXLAN-encapsulated. Immutable: every rewrite (DNAT, SNAT, MARK, TTL) makes a new packet.
 */
public record Packet(
    Ip src, Ip dst, Protocol proto, int sport, int dport, int ttl, int mark, Outer outer) {

  /** The outer IP/UDP/VXLAN header of an encapsulated packet. */
  public record Outer(Ip src, Ip dst, int sport, int dport, int vni) {}

  public static Packet of(Ip src, int sport, Ip dst, int dport, Protocol proto) {
    return new Packet(src, dst, proto, sport, dport, 64, 0, null);
  }

  public Packet withDst(Ip ip, int port) {
    return new Packet(src, ip, proto, sport, port, ttl, mark, outer);
  }

  public Packet withSrc(Ip ip, int port) {
    return new Packet(ip, dst, proto, port, dport, ttl, mark, outer);
  }

  public Packet withMark(int m) {
    return new Packet(src, dst, proto, sport, dport, ttl, m, outer);
  }

  public Packet withTtl(int t) {
    return new Packet(src, dst, proto, sport, dport, t, mark, outer);
  }

  public Packet withOuter(Outer o) {
    return new Packet(src, dst, proto, sport, dport, ttl, mark, o);
  }
}
