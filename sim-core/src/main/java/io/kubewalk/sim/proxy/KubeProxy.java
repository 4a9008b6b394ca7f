package io.kubewalk.sim.proxy;

import io.kubewalk.sim.api.Node;
import io.kubewalk.sim.api.ProxyConfig;
import io.kubewalk.sim.cni.CniRules;
import io.kubewalk.sim.cni.Dataplane;
import io.kubewalk.sim.control.Cluster;
import io.kubewalk.sim.net.Cidr;
import io.kubewalk.sim.net.IfAddr;
import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.Packet;
import io.kubewalk.sim.net.ipvs.IpSet;
import io.kubewalk.sim.net.netfilter.IptablesRestore;
import io.kubewalk.sim.net.netfilter.NetfilterTables;
import io.kubewalk.sim.net.netfilter.Rule;
import io.kubewalk.sim.net.netfilter.Table;
import io.kubewalk.sim.net.nftables.NftTable;
import io.kubewalk.sim.net.ns.Link;
import io.kubewalk.sim.net.ns.NetNamespace;
import io.kubewalk.sim.proxy.ipvs.IpvsProxier;
import io.kubewalk.sim.proxy.ipvs.IpvsState;
import io.kubewalk.sim.proxy.iptables.IptablesProxier;
import io.kubewalk.sim.proxy.iptables.KubeletRules;
import io.kubewalk.sim.proxy.nftables.NftablesProxier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every node's packet-filtering state as the node agents leave it, in the order they start: the
 * kubelet's chains, the CNI daemon's rules, then kube-proxy's first full sync in the configured
 * mode: iptables (its chains in the same tables), IPVS (the {@code kube-ipvs0} dummy device
 * holding every Service IP, the IPVS table, ipsets and the short ipset-based iptables chains) or
 * nftables (its own {@code ip kube-proxy} table beside the iptables ones).
 */
public final class KubeProxy {

  private final ProxyConfig.Mode mode;
  private final Cluster cluster;
  private final Map<String, NetfilterTables> iptables = new ConcurrentHashMap<>();
  private final Map<String, IpvsState> ipvs = new ConcurrentHashMap<>();
  private final Map<String, NftTable> nft = new ConcurrentHashMap<>();

  private KubeProxy(Cluster cluster, ProxyConfig.Mode mode) {
    this.cluster = cluster;
    this.mode = mode;
  }

  /**
   * Programs the nodes of {@code dp}'s cluster with kube-proxy in {@code mode}. In IPVS mode
   * every node is programmed at once, because kube-proxy adds {@code kube-ipvs0} and its Service
   * addresses to the node's namespace, which routing sees; in the other modes a node is
   * programmed the first time its rules are asked for, so large clusters cost only what is used.
   */
  public static KubeProxy program(Dataplane dp, ProxyConfig.Mode mode) {
    KubeProxy kp = new KubeProxy(dp.cluster(), mode);
    if (mode == ProxyConfig.Mode.ipvs) {
      for (Node n : dp.cluster().nodes()) {
        kp.programIpvs(dp, n);
      }
    }
    return kp;
  }

  private NetfilterTables base(Node n) {
    return CniRules.apply(KubeletRules.apply(NetfilterTables.empty()), cluster, n);
  }

  private Node node(String name) {
    return cluster.node(name).orElseThrow(() -> new IllegalArgumentException("no node " + name));
  }

  private void programIpvs(Dataplane dp, Node n) {
    ProxyInput in = input(cluster, n, mode);
    // IPVS serves NodePorts on every local address of the node but loopback (and not on
    // kube-ipvs0's): eth0, cni0, flannel.1, ... (its realIPGetter.NodeIPs)
    NetNamespace host = dp.node(n.name());
    List<Ip> local = new ArrayList<>();
    host.links().stream().filter(l -> l.kind() != Link.Kind.LOOPBACK)
        .forEach(l -> l.addresses().forEach(a -> local.add(a.ip())));
    IpvsState st = new IpvsProxier().sync(new ProxyInput(in.nodeName(), local, in.podCidr(),
        in.config(), in.services(), in.endpointSlices()));
    ipvs.put(n.name(), st);
    iptables.put(n.name(), withIpvsRules(base(n), st));
    Link dummy = host.addLink(IpvsProxier.DUMMY_DEVICE, Link.Kind.DUMMY, 1500,
        Dataplane.mac(n.name() + "/" + IpvsProxier.DUMMY_DEVICE)).up(false);
    for (Ip ip : st.dummyAddresses()) {
      host.addAddress(dummy, new IfAddr(ip, 32));
    }
  }

  /**
   * IPVS mode's iptables rules on top of {@code base}: its chains by iptables-restore, the jumps
   * from the built-in chains prepended (kube-proxy ensures them with {@code iptables -I}).
   */
  private static NetfilterTables withIpvsRules(NetfilterTables base, IpvsState st) {
    NetfilterTables.Builder b = base.toBuilder();
    StringBuilder restore = new StringBuilder();
    Map<Table, List<Rule>> jumps = new LinkedHashMap<>();
    Table current = null;
    for (String line : st.iptablesText().split("\n")) {
      if (line.startsWith("*")) {
        current = Table.parse(line.substring(1));
      } else if (line.startsWith("-A ") && current != null
          && current.isBuiltin(line.split(" ")[1])) {
        jumps.computeIfAbsent(current, k -> new ArrayList<>()).add(IptablesRestore.parseRule(line));
        continue;
      }
      restore.append(line).append('\n');
    }
    IptablesRestore.apply(b, restore.toString(), true);
    jumps.forEach((t, rules) -> {
      for (int i = rules.size() - 1; i >= 0; i--) {
        b.ensureRulePrepended(t, rules.get(i));
      }
    });
    return b.build();
  }

  /** What kube-proxy on {@code node} watches: its addresses, podCIDR, Services, slices. */
  public static ProxyInput input(Cluster cluster, Node node, ProxyConfig.Mode mode) {
    return new ProxyInput(node.name(), node.addresses().stream().map(IfAddr::ip).toList(),
        node.podCidr(), cluster.config().proxy().withMode(mode), cluster.services(),
        cluster.endpointSlices());
  }

  public ProxyConfig.Mode mode() {
    return mode;
  }

  /** The node's iptables state (all tables), as {@code iptables-save} lists it. */
  public NetfilterTables iptables(String node) {
    return iptables.computeIfAbsent(node, name -> {
      Node n = node(name);
      return mode == ProxyConfig.Mode.iptables
          ? new IptablesProxier().sync(base(n), input(cluster, n, mode)) : base(n);
    });
  }

  /** IPVS mode: the node's IPVS table, ipsets and dummy addresses; null in other modes. */
  public IpvsState ipvs(String node) {
    node(node);
    return ipvs.get(node);
  }

  /** nftables mode: the node's {@code ip kube-proxy} table; null in other modes. */
  public NftTable nft(String node) {
    if (mode != ProxyConfig.Mode.nftables) {
      node(node);
      return null;
    }
    return nft.computeIfAbsent(node, name -> new NftablesProxier(List.of(
        cluster.config().serviceSubnet())).sync(input(cluster, node(name), mode)));
  }

  /**
   * The {@code -m set --match-set NAME DIRS} test on {@code node}: kube-proxy's IPVS-mode sets
   * (entries as kube-proxy writes them: {@code 10.96.0.1,tcp:443}, {@code 30080}, ...) and
   * calico's pool sets.
   */
  public boolean inIpSet(String node, String name, Packet p, List<String> dirs) {
    IpvsState st = ipvs.get(node);
    IpSet set = st == null ? null : st.ipset(name);
    if (set == null) {
      return CniRules.inCalicoSet(cluster, name, addr(p, dirs.get(0)));
    }
    String proto = p.proto().lower();
    switch (set.type()) {
      case HASH_IP -> {
        return set.contains(addr(p, dirs.get(0)).toString());
      }
      case BITMAP_PORT -> {
        return set.contains(String.valueOf(port(p, dirs.get(0))));
      }
      case HASH_IP_PORT -> {
        return set.contains(addr(p, dirs.get(0)) + "," + proto + ":" + port(p, dirs.get(1)));
      }
      case HASH_IP_PORT_IP -> {
        return set.contains(addr(p, dirs.get(0)) + "," + proto + ":" + port(p, dirs.get(1)) + ","
            + addr(p, dirs.get(2)));
      }
      default -> {
        String prefix = addr(p, dirs.get(0)) + "," + proto + ":" + port(p, dirs.get(1)) + ",";
        Ip net = addr(p, dirs.get(2));
        return set.members().stream().anyMatch(m -> m.startsWith(prefix)
            && Cidr.parse(m.substring(prefix.length())).contains(net));
      }
    }
  }

  private static Ip addr(Packet p, String dir) {
    return dir.equals("src") ? p.src() : p.dst();
  }

  private static int port(Packet p, String dir) {
    return dir.equals("src") ? p.sport() : p.dport();
  }

}
