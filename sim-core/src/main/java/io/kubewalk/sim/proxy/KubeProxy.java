package io.kubewalk.sim.proxy;

import io.kubewalk.sim.api.Node;
import io.kubewalk.sim.api.ProxyConfig;
import io.kubewalk.sim.cni.CniRules;
import io.kubewalk.sim.control.Cluster;
import io.kubewalk.sim.net.IfAddr;
import io.kubewalk.sim.net.netfilter.NetfilterTables;
import io.kubewalk.sim.proxy.iptables.IptablesProxier;
import io.kubewalk.sim.proxy.iptables.KubeletRules;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every node's packet-filtering state as the node agents leave it, in the order they start: the
 * kubelet's chains, the CNI daemon's rules, then kube-proxy's first full sync in the configured
 * mode (iptables mode; the IPVS and nftables proxiers live beside it).
 */
public final class KubeProxy {

  private final ProxyConfig.Mode mode;
  private final Map<String, NetfilterTables> iptables = new LinkedHashMap<>();

  private KubeProxy(ProxyConfig.Mode mode) {
    this.mode = mode;
  }

  /** Programs every node of {@code cluster} with kube-proxy in {@code mode}. */
  public static KubeProxy program(Cluster cluster, ProxyConfig.Mode mode) {
    KubeProxy kp = new KubeProxy(mode);
    IptablesProxier proxier = new IptablesProxier();
    for (Node n : cluster.nodes()) {
      ProxyInput in = input(cluster, n, mode);
      NetfilterTables t = CniRules.apply(KubeletRules.apply(NetfilterTables.empty()), cluster, n);
      kp.iptables.put(n.name(), proxier.sync(t, in));
    }
    return kp;
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
    NetfilterTables t = iptables.get(node);
    if (t == null) {
      throw new IllegalArgumentException("no node " + node);
    }
    return t;
  }
}
