package io.kubewalk.sim.net.ns;

import io.kubewalk.sim.net.IfAddr;
import io.kubewalk.sim.net.Ip;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A network interface in one namespace, with the attributes iproute2 shows. Built once by the CNI
 * code and then only read; the tracer and the shell renderers query it.
 */
public final class Link {

  /** The link types kubewalk models. */
  public enum Kind {
    LOOPBACK("loopback"),
    ETHER("ether"),
    VETH("veth"),
    BRIDGE("bridge"),
    VXLAN("vxlan"),
    DUMMY("dummy"),
    IPIP("ipip");

    private final String text;

    Kind(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  final NetNamespace ns;
  final int ifindex;
  final String name;
  final Kind kind;
  int mtu;
  String mac;
  boolean up = true;
  Link master;
  Link peer;
  final List<IfAddr> addrs = new ArrayList<>();
  final List<Fdb> fdb = new ArrayList<>();
  int vni;
  Ip vxlanLocal;
  int vxlanPort;
  Link vxlanDev;
  boolean hairpin;

  Link(NetNamespace ns, int ifindex, String name, Kind kind, int mtu, String mac) {
    this.ns = ns;
    this.ifindex = ifindex;
    this.name = name;
    this.kind = kind;
    this.mtu = mtu;
    this.mac = mac;
  }

  /** A bridge or VXLAN forwarding entry: {@code bridge fdb}. */
  public record Fdb(String mac, Link dev, Ip dst, boolean self, boolean permanent) {}

  public NetNamespace namespace() {
    return ns;
  }

  public int ifindex() {
    return ifindex;
  }

  public String name() {
    return name;
  }

  public Kind kind() {
    return kind;
  }

  public int mtu() {
    return mtu;
  }

  public String mac() {
    return mac;
  }

  public boolean up() {
    return up;
  }

  public Link master() {
    return master;
  }

  public Link peer() {
    return peer;
  }

  public List<IfAddr> addresses() {
    return Collections.unmodifiableList(addrs);
  }

  public List<Fdb> fdb() {
    return Collections.unmodifiableList(fdb);
  }

  public int vni() {
    return vni;
  }

  public Ip vxlanLocal() {
    return vxlanLocal;
  }

  public int vxlanPort() {
    return vxlanPort;
  }

  public Link vxlanDevice() {
    return vxlanDev;
  }

  public boolean hairpin() {
    return hairpin;
  }

  /** Bridge ports: the links whose master this bridge is. */
  public List<Link> ports() {
    return ns.links().stream().filter(l -> l.master == this).toList();
  }

  /** "vethabc@if2" for a veth, else the plain name, as {@code ip link} prints it. */
  public String displayName() {
    return kind == Kind.VETH && peer != null ? name + "@if" + peer.ifindex : name;
  }

  /** {@code ip link set dev NAME up|down}. */
  public Link up(boolean on) {
    this.up = on;
    return this;
  }

  public Link hairpin(boolean on) {
    this.hairpin = on;
    return this;
  }

  @Override
  public String toString() {
    return ns.name() + ":" + name;
  }
}
