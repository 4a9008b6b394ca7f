package io.kubewalk.sim.proxy.iptables;

import io.kubewalk.sim.net.netfilter.IptablesRestore;
import io.kubewalk.sim.net.netfilter.NetfilterTables;
import io.kubewalk.sim.net.netfilter.Table;

/**
 * The iptables rules kubelet (1.31, pkg/kubelet/kubelet_network_linux.go) installs on every node,
 * independent of kube-proxy: the {@code KUBE-IPTABLES-HINT} chain in mangle, {@code
 * KUBE-KUBELET-CANARY} in mangle, nat and filter, and the {@code KUBE-FIREWALL} chain dropping
 * non-local traffic to 127.0.0.0/8 (the route_localnet guard), jumped to from INPUT and OUTPUT.
 */
public final class KubeletRules {

  private KubeletRules() {}

  public static NetfilterTables apply(NetfilterTables base) {
    NetfilterTables.Builder b = base.toBuilder();
    b.ensureChain(Table.MANGLE, "KUBE-IPTABLES-HINT");
    for (Table t : new Table[] {Table.MANGLE, Table.NAT, Table.FILTER}) {
      b.ensureChain(t, "KUBE-KUBELET-CANARY");
    }
    b.ensureChain(Table.FILTER, "KUBE-FIREWALL");
    b.ensureRuleAppended(Table.FILTER, IptablesRestore.parseRule(
        "-A KUBE-FIREWALL -m comment --comment \"block incoming localnet connections\""
            + " --dst 127.0.0.0/8 ! --src 127.0.0.0/8 -m conntrack ! --ctstate"
            + " RELATED,ESTABLISHED,DNAT -j DROP"));
    b.ensureRulePrepended(Table.FILTER, IptablesRestore.parseRule("-A OUTPUT -j KUBE-FIREWALL"));
    b.ensureRulePrepended(Table.FILTER, IptablesRestore.parseRule("-A INPUT -j KUBE-FIREWALL"));
    return b.build();
  }
}
