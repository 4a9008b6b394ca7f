package io.kubewalk.sim.cni;

import io.kubewalk.sim.api.CniConfig;
import io.kubewalk.sim.api.Node;
import io.kubewalk.sim.api.Pod;
import io.kubewalk.sim.control.Cluster;
import io.kubewalk.sim.control.Names;
import io.kubewalk.sim.control.NodeNetwork;
import io.kubewalk.sim.net.Cidr;
import io.kubewalk.sim.net.IfAddr;
import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.ns.Link;
import io.kubewalk.sim.net.ns.NetNamespace;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Every node's and pod's network namespace, wired the way the cluster's CNI plugin wires them:
 * flannel (vxlan: {@code flannel.1} + {@code cni0}; host-gw: routes via the peer node), weave (one
 * {@code weave} bridge per node on a shared /16 with an overlay between nodes), calico (routed
 * {@code cali*} veths, a /32 route per pod, IPIP or direct between nodes), kindnet (ptp veths,
 * routes via the peer node) and the bare bridge plugin (no route between nodes). The kubelet's
 * CNI ADD happens here for every pod that the control plane gave an address.
 */
public final class Dataplane {

  private final Cluster cluster;
  private final Map<String, NetNamespace> nodes = new LinkedHashMap<>();
  private final Map<String, NetNamespace> pods = new LinkedHashMap<>();
  private final Map<String, Link> podHostLink = new LinkedHashMap<>();
  private final Map<String, List<NetNamespace>> podNsOnNode = new LinkedHashMap<>();

  private Dataplane(Cluster cluster) {
    this.cluster = cluster;
  }

  public static Dataplane build(Cluster cluster) {
    Dataplane d = new Dataplane(cluster);
    d.wire();
    return d;
  }

  public Cluster cluster() {
    return cluster;
  }

  public NetNamespace node(String name) {
    NetNamespace ns = nodes.get(name);
    if (ns == null) {
      throw new IllegalArgumentException("no node " + name);
    }
    return ns;
  }

  public Map<String, NetNamespace> nodes() {
    return Collections.unmodifiableMap(nodes);
  }

  /** The pod's own namespace; empty for host-network pods and pods without a sandbox. */
  public Optional<NetNamespace> pod(Pod p) {
    return Optional.ofNullable(pods.get(p.key()));
  }

  /** The host side of a pod's veth (vethXXXX on cni0, caliXXXX, vethweplXXXX). */
  public Optional<Link> hostLink(Pod p) {
    return Optional.ofNullable(podHostLink.get(p.key()));
  }

  /** The link-netnsid a veth's peer namespace has as seen from the veth's namespace. */
  public int netnsId(Link veth) {
    NetNamespace here = veth.namespace();
    NetNamespace there = veth.peer().namespace();
    if (nodes.containsValue(there)) {
      return 0;
    }
    List<NetNamespace> list = podNsOnNode.getOrDefault(here.node(), List.of());
    int i = list.indexOf(there);
    return Math.max(0, i);
  }

  /** A deterministic, locally administered MAC for a link. */
  public static String mac(String key) {
    int h1 = Names.fnv32a(key);
    int h2 = Names.fnv32a(key + "/mac");
    int[] b = {((h1 >>> 24) & 0xfc) | 0x02, (h1 >>> 16) & 0xff, (h1 >>> 8) & 0xff, h1 & 0xff,
        (h2 >>> 8) & 0xff, h2 & 0xff};
    return String.format(Locale.ROOT, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3],
        b[4], b[5]);
  }

  // ---- wiring ------------------------------------------------------------------------------

  private void wire() {
    CniConfig cni = cluster.config().cni();
    for (Node n : cluster.nodes()) {
      nodes.put(n.name(), hostNamespace(n));
    }
    boolean running = cni.installed() && cni.plugin() != CniConfig.Plugin.none;
    if (!running) {
      return;
    }
    for (Node n : cluster.nodes()) {
      switch (cni.plugin()) {
        case flannel -> flannelNode(n, cni);
        case weave -> weaveNode(n);
        case calico -> calicoNode(n, cni);
        case kindnet -> peerRoutesViaNodeIp(n, "eth0");
        case bridge, none -> { }
      }
    }
    for (Pod p : cluster.pods()) {
      if (p.hostNetwork() || p.podIp() == null || p.nodeName() == null) {
        continue;
      }
      addPod(p, cni);
    }
  }

  private NetNamespace hostNamespace(Node n) {
    NetNamespace ns = new NetNamespace(n.name(), n.name());
    ns.sysctl("net.ipv4.ip_forward", cluster.config().ipForward() ? "1" : "0");
    ns.sysctl("net.bridge.bridge-nf-call-iptables",
        cluster.config().bridgeNfCallIptables() ? "1" : "0");
    ns.sysctl("net.ipv4.conf.all.rp_filter", "2");
    List<IfAddr> addrs = n.addresses();
    for (int i = 0; i < addrs.size(); i++) {
      String name = "eth" + i;
      Link l = ns.addLink(name, Link.Kind.ETHER, n.mtu(), mac(n.name() + "/" + name));
      ns.addAddress(l, addrs.get(i));
    }
    Ip gw = n.gateway();
    if (gw != null && !addrs.isEmpty()) {
      Link dev = null;
      for (int i = 0; i < addrs.size(); i++) {
        if (addrs.get(i).prefix() < 32 && addrs.get(i).network().contains(gw)) {
          dev = ns.link("eth" + i).orElseThrow();
        }
      }
      if (dev == null) {
        // A /32 address with an off-subnet gateway (GCP style): an on-link host route first.
        dev = ns.link("eth0").orElseThrow();
        ns.addRoute(Cidr.host(gw), null, dev, null, "link", null, false);
      }
      ns.addRoute(Cidr.DEFAULT, gw, dev, null, null, null, false);
    }
    return ns;
  }

  private Link eth0(Node n) {
    return node(n.name()).link("eth0").orElseThrow();
  }

  private void flannelNode(Node n, CniConfig cni) {
    NetNamespace ns = node(n.name());
    if (n.podCidr() == null) {
      return;
    }
    if ("host-gw".equals(cni.backend())) {
      peerRoutesViaNodeIp(n, "eth0");
      return;
    }
    Link vx = ns.addVxlan("flannel.1", cni.vni(), n.internalIp(), cni.vxlanPort(), eth0(n),
        n.mtu() - 50, flannelMac(n));
    ns.addAddress(vx, new IfAddr(n.podCidr().network(), 32));
    for (Node other : cluster.nodes()) {
      if (other == n || other.podCidr() == null) {
        continue;
      }
      Ip peerVtep = other.podCidr().network();
      ns.addRoute(other.podCidr(), peerVtep, vx, null, null, null, true);
      ns.addNeighbour(peerVtep, vx, flannelMac(other), "PERMANENT");
      ns.addFdb(vx, flannelMac(other), other.internalIp(), true, true);
    }
  }

  private static String flannelMac(Node n) {
    return mac(n.name() + "/flannel.1");
  }

  /** host-gw and kindnet: each other node's podCIDR via that node's IP, when it is on-link. */
  private void peerRoutesViaNodeIp(Node n, String dev) {
    NetNamespace ns = node(n.name());
    Link eth = ns.link(dev).orElseThrow();
    for (Node other : cluster.nodes()) {
      if (other == n || other.podCidr() == null || other.internalIp() == null) {
        continue;
      }
      boolean onLink = n.addresses().stream()
          .anyMatch(a -> a.prefix() < 32 && a.network().contains(other.internalIp()));
      if (onLink) {
        ns.addRoute(other.podCidr(), other.internalIp(), eth, null, null, null, false);
      }
    }
  }

  private void weaveNode(Node n) {
    NetNamespace ns = node(n.name());
    NodeNetwork net = cluster.nodeNetworks().get(n.name());
    int mtu = cluster.config().cni().mtu() > 0 ? cluster.config().cni().mtu() : 1376;
    Link weave = ns.addLink("weave", Link.Kind.BRIDGE, mtu, mac(n.name() + "/weave"));
    ns.addAddress(weave, new IfAddr(net.gateway(), net.range().prefix()));
    Link vx = ns.addVxlan("vxlan-6784", 0, n.internalIp(), 6784, eth0(n), 65535,
        mac(n.name() + "/vxlan-6784"));
    ns.setMaster(vx, weave);
  }

  private void calicoNode(Node n, CniConfig cni) {
    NetNamespace ns = node(n.name());
    ns.sysctl("net.ipv4.conf.all.rp_filter", "1");
    if (n.podCidr() == null) {
      return;
    }
    boolean ipip = !"direct".equals(cni.backend());
    Link tunl = null;
    if (ipip) {
      tunl = ns.addLink("tunl0", Link.Kind.IPIP, n.mtu() - 20, null);
      ns.addAddress(tunl, new IfAddr(n.podCidr().network(), 32));
    }
    for (Node other : cluster.nodes()) {
      if (other == n || other.podCidr() == null) {
        continue;
      }
      if (ipip) {
        ns.addRoute(other.podCidr(), other.internalIp(), tunl, "bird", null, null, true);
      } else if (n.addresses().stream().anyMatch(a -> a.prefix() < 32
          && a.network().contains(other.internalIp()))) {
        ns.addRoute(other.podCidr(), other.internalIp(), eth0(n), "bird", null, null, false);
      }
    }
  }

  private void addPod(Pod p, CniConfig cni) {
    Node n = cluster.node(p.nodeName()).orElseThrow();
    NetNamespace host = node(n.name());
    NodeNetwork net = cluster.nodeNetworks().get(n.name());
    String sandbox = "cni-" + uuid(p.key());
    NetNamespace ns = new NetNamespace(sandbox, n.name());
    ns.sysctl("net.ipv4.ip_forward", "0");
    pods.put(p.key(), ns);
    podNsOnNode.computeIfAbsent(n.name(), k -> new ArrayList<>()).add(ns);
    String hash = String.format(Locale.ROOT, "%08x", Names.fnv32a(sandbox));
    switch (cni.plugin()) {
      case flannel, bridge -> {
        int mtu = "host-gw".equals(cni.backend()) || cni.plugin() == CniConfig.Plugin.bridge
            ? n.mtu() : n.mtu() - 50;
        Link cni0 = host.link("cni0").orElseGet(() -> {
          Link b = host.addLink("cni0", Link.Kind.BRIDGE, mtu, mac(n.name() + "/cni0"));
          host.addAddress(b, new IfAddr(net.gateway(), n.podCidr().prefix()));
          return b;
        });
        Link[] v = NetNamespace.addVethPair(host, "veth" + hash, mac(sandbox + "/host"), ns,
            "eth0", mac(sandbox + "/eth0"), mtu);
        host.setMaster(v[0], cni0);
        v[0].hairpin(true);
        ns.addAddress(v[1], new IfAddr(p.podIp(), n.podCidr().prefix()));
        ns.addRoute(Cidr.DEFAULT, net.gateway(), v[1], null, null, null, false);
        if (cni.plugin() == CniConfig.Plugin.flannel) {
          ns.addRoute(cluster.config().podSubnet(), net.gateway(), v[1], null, null, null, false);
        }
        podHostLink.put(p.key(), v[0]);
      }
      case weave -> {
        Link weave = host.link("weave").orElseThrow();
        Link[] v = NetNamespace.addVethPair(host, "vethwepl" + hash.substring(0, 7),
            mac(sandbox + "/host"), ns, "eth0", mac(sandbox + "/eth0"), weave.mtu());
        host.setMaster(v[0], weave);
        ns.addAddress(v[1], new IfAddr(p.podIp(), net.range().prefix()), false);
        ns.addRoute(net.range(), null, v[1], null, "link", p.podIp(), false);
        ns.addRoute(Cidr.DEFAULT, net.gateway(), v[1], null, null, null, false);
        podHostLink.put(p.key(), v[0]);
      }
      case calico -> {
        Link[] v = NetNamespace.addVethPair(host, "cali" + hash + hash.substring(0, 3),
            "ee:ee:ee:ee:ee:ee", ns, "eth0", mac(sandbox + "/eth0"), n.mtu() - 20);
        host.sysctl("net.ipv4.conf." + v[0].name() + ".proxy_arp", "1");
        ns.addAddress(v[1], new IfAddr(p.podIp(), 32));
        Ip fake = Ip.parse("169.254.1.1");
        ns.addRoute(Cidr.host(fake), null, v[1], null, "link", null, false);
        ns.addRoute(Cidr.DEFAULT, fake, v[1], null, null, null, false);
        host.addRoute(Cidr.host(p.podIp()), null, v[0], null, "link", null, false);
        podHostLink.put(p.key(), v[0]);
      }
      case kindnet -> {
        Link[] v = NetNamespace.addVethPair(host, "veth" + hash, mac(sandbox + "/host"), ns,
            "eth0", mac(sandbox + "/eth0"), n.mtu());
        if (host.linkWithAddress(net.gateway()).isEmpty()) {
          host.addAddress(v[0], new IfAddr(net.gateway(), 32));
        }
        ns.addAddress(v[1], new IfAddr(p.podIp(), n.podCidr().prefix()));
        ns.addRoute(Cidr.DEFAULT, net.gateway(), v[1], null, null, null, false);
        host.addRoute(Cidr.host(p.podIp()), null, v[0], null, "host", null, false);
        podHostLink.put(p.key(), v[0]);
      }
      case none -> { }
    }
  }

  private static String uuid(String key) {
    String h = String.format(Locale.ROOT, "%08x%08x%08x%08x", Names.fnv32a(key),
        Names.fnv32a(key + "a"), Names.fnv32a(key + "b"), Names.fnv32a(key + "c"));
    return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-"
        + h.substring(16, 20) + "-" + h.substring(20, 32);
  }
}
