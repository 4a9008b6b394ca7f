package io.kubewalk.sim.net.ns;

import io.kubewalk.sim.net.Cidr;
import io.kubewalk.sim.net.IfAddr;
import io.kubewalk.sim.net.Ip;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One Linux network namespace: links, addresses, the local and main routing tables, neighbours
 * and sysctls. Adding an address adds the routes the kernel adds (a {@code local} route in table
 * local and, unless /32, the prefix route {@code proto kernel scope link src ADDR} in main);
 * {@link #lookup} does the kernel's longest-prefix match, local table first.
 */
public final class NetNamespace {

  private final String name;
  private final String node;
  private final List<Link> links = new ArrayList<>();
  private final List<Route> routes = new ArrayList<>();
  private final List<Neighbour> neighbours = new ArrayList<>();
  private final Map<String, String> sysctls = new TreeMap<>();
  /** Main-table routes bucketed by prefix length (32 first) for the lookup. */
  private final Map<Integer, Map<Integer, List<Route>>> byPrefix = new TreeMap<>(
      Comparator.reverseOrder());
  private int nextIfindex = 1;

  /** A neighbour (ARP) entry. */
  public record Neighbour(Ip ip, Link dev, String mac, String state) {}

  public NetNamespace(String name, String node) {
    this.name = name;
    this.node = node;
    sysctls.put("net.ipv4.ip_forward", "0");
    sysctls.put("net.ipv4.conf.all.rp_filter", "0");
    sysctls.put("net.bridge.bridge-nf-call-iptables", "0");
    Link lo = addLink("lo", Link.Kind.LOOPBACK, 65536, "00:00:00:00:00:00");
    addAddress(lo, new IfAddr(Ip.LOOPBACK, 8));
  }

  public String name() {
    return name;
  }

  /** The node this namespace lives on. */
  public String node() {
    return node;
  }

  public List<Link> links() {
    return Collections.unmodifiableList(links);
  }

  public Optional<Link> link(String linkName) {
    return links.stream().filter(l -> l.name.equals(linkName)).findFirst();
  }

  public List<Route> routes() {
    return Collections.unmodifiableList(routes);
  }

  public List<Neighbour> neighbours() {
    return Collections.unmodifiableList(neighbours);
  }

  public String sysctl(String key) {
    return sysctls.getOrDefault(key, "0");
  }

  public boolean sysctlOn(String key) {
    return "1".equals(sysctl(key));
  }

  public NetNamespace sysctl(String key, String value) {
    sysctls.put(key, value);
    return this;
  }

  public Map<String, String> sysctls() {
    return Collections.unmodifiableMap(sysctls);
  }

  // ---- building ----------------------------------------------------------------------------

  public Link addLink(String linkName, Link.Kind kind, int mtu, String mac) {
    if (link(linkName).isPresent()) {
      throw new IllegalArgumentException("RTNETLINK answers: File exists (" + linkName + " in "
          + name + ")");
    }
    Link l = new Link(this, nextIfindex++, linkName, kind, mtu, mac);
    links.add(l);
    return l;
  }

  /** A veth pair: {@code here} in this namespace, {@code there} in {@code other}. */
  public static Link[] addVethPair(NetNamespace a, String nameA, String macA, NetNamespace b,
      String nameB, String macB, int mtu) {
    Link la = a.addLink(nameA, Link.Kind.VETH, mtu, macA);
    Link lb = b.addLink(nameB, Link.Kind.VETH, mtu, macB);
    la.peer = lb;
    lb.peer = la;
    return new Link[] {la, lb};
  }

  /** A VXLAN device like flannel.1: VNI, local address, UDP port, underlying device. */
  public Link addVxlan(String linkName, int vni, Ip local, int port, Link dev, int mtu,
      String mac) {
    Link l = addLink(linkName, Link.Kind.VXLAN, mtu, mac);
    l.vni = vni;
    l.vxlanLocal = local;
    l.vxlanPort = port;
    l.vxlanDev = dev;
    return l;
  }

  public void setMaster(Link port, Link bridge) {
    if (bridge.kind != Link.Kind.BRIDGE || bridge.ns != this || port.ns != this) {
      throw new IllegalArgumentException(port + " cannot be enslaved to " + bridge);
    }
    port.master = bridge;
  }

  /** Adds an address and the routes the kernel derives from it. */
  public void addAddress(Link l, IfAddr a) {
    addAddress(l, a, true);
  }

  /**
   * Adds an address; with {@code prefixRoute} false (iproute2's {@code noprefixroute}) the main
   * table gets no connected route, as weave does before adding its own.
   */
  public void addAddress(Link l, IfAddr a, boolean prefixRoute) {
    l.addrs.add(a);
    boolean lo = l.kind == Link.Kind.LOOPBACK;
    routes.add(new Route(lo ? a.network() : Cidr.host(a.ip()), "local", null, l, "kernel",
        "host", a.ip(), false, "local", 0));
    if (lo) {
      routes.add(new Route(Cidr.host(a.ip()), "local", null, l, "kernel", "host", a.ip(), false,
          "local", 0));
    }
    if (a.prefix() < 31) {
      routes.add(new Route(Cidr.host(a.broadcast()), "broadcast", null, l, "kernel", "link",
          a.ip(), false, "local", 0));
    }
    if (a.prefix() < 32 && !lo && prefixRoute) {
      addRouteInternal(new Route(a.network(), "unicast", null, l, "kernel", "link", a.ip(), false,
          "main", 0));
    }
  }

  /**
   * Adds a main-table route, refusing what the kernel refuses: a gateway that no connected route
   * reaches (unless onlink).
   */
  public Route addRoute(Cidr dst, Ip via, Link dev, String proto, String scope, Ip src,
      boolean onlink) {
    if (via != null && !onlink) {
      Optional<Route> r = lookupMain(via).filter(x -> x.via() == null && x.dev() == dev);
      if (r.isEmpty()) {
        throw new IllegalArgumentException("Error: Nexthop has invalid gateway (" + via
            + " is not reachable on " + dev.name + " in " + name + ")");
      }
    }
    String sc = scope != null ? scope : via == null ? "link" : "global";
    Route r = new Route(dst, "unicast", via, dev, proto, sc, src, onlink, "main", 0);
    addRouteInternal(r);
    return r;
  }

  private void addRouteInternal(Route r) {
    routes.add(r);
    byPrefix.computeIfAbsent(r.dst().prefix(), k -> new LinkedHashMap<>())
        .computeIfAbsent(r.dst().network().bits(), k -> new ArrayList<>()).add(r);
  }

  public void addNeighbour(Ip ip, Link dev, String mac, String state) {
    neighbours.add(new Neighbour(ip, dev, mac, state));
  }

  public void addFdb(Link dev, String mac, Ip dst, boolean self, boolean permanent) {
    dev.fdb.add(new Link.Fdb(mac, dev, dst, self, permanent));
  }

  // ---- queries -----------------------------------------------------------------------------

  /** Whether the address is configured on any link here (the local table's {@code local}). */
  public boolean isLocalAddress(Ip ip) {
    for (Link l : links) {
      for (IfAddr a : l.addrs) {
        if (a.ip().equals(ip)) {
          return true;
        }
      }
    }
    return ip.isLoopback();
  }

  public Optional<Link> linkWithAddress(Ip ip) {
    return links.stream().filter(l -> l.addrs.stream().anyMatch(a -> a.ip().equals(ip)))
        .findFirst();
  }

  public Optional<Neighbour> neighbour(Ip ip, Link dev) {
    return neighbours.stream().filter(n -> n.ip().equals(ip) && n.dev() == dev).findFirst();
  }

  private Optional<Route> lookupMain(Ip dst) {
    for (Map.Entry<Integer, Map<Integer, List<Route>>> e : byPrefix.entrySet()) {
      List<Route> rs = e.getValue().get(dst.bits() & Cidr.mask(e.getKey()));
      if (rs != null) {
        return rs.stream().min(Comparator.comparingInt(Route::metric));
      }
    }
    return Optional.empty();
  }

  /** The kernel's route lookup for a destination: table local, then main (longest prefix). */
  public RouteLookup lookup(Ip dst) {
    if (isLocalAddress(dst)) {
      Link l = linkWithAddress(dst).orElse(links.get(0));
      Route r = routes.stream().filter(x -> x.type().equals("local")
          && x.dst().contains(dst)).findFirst().orElse(null);
      return new RouteLookup(dst, r, l, dst, dst, "local");
    }
    Optional<Route> r = lookupMain(dst);
    if (r.isEmpty()) {
      return new RouteLookup(dst, null, null, null, null, "unreachable");
    }
    Route route = r.get();
    Ip src = route.src() != null ? route.src() : preferredSource(route.dev(), route.via());
    return new RouteLookup(dst, route, route.dev(), route.via() != null ? route.via() : dst, src,
        "unicast");
  }

  /** The kernel's source address choice: an address of the output device, else any global one. */
  private Ip preferredSource(Link dev, Ip via) {
    for (IfAddr a : dev.addrs) {
      if (via == null || a.network().contains(via)) {
        return a.ip();
      }
    }
    if (!dev.addrs.isEmpty()) {
      return dev.addrs.get(0).ip();
    }
    for (Link l : links) {
      if (l.kind != Link.Kind.LOOPBACK && !l.addrs.isEmpty()) {
        return l.addrs.get(0).ip();
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return name;
  }
}
