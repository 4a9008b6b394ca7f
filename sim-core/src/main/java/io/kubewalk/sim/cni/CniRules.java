package io.kubewalk.sim.cni;

import io.kubewalk.sim.api.CniConfig;
import io.kubewalk.sim.api.Node;
import io.kubewalk.sim.control.Cluster;
import io.kubewalk.sim.net.Cidr;
import io.kubewalk.sim.net.netfilter.IptablesRestore;
import io.kubewalk.sim.net.netfilter.NetfilterTables;
import io.kubewalk.sim.net.netfilter.Table;
import java.util.List;

/**
 * The iptables rules a CNI plugin's daemon adds to every node, appended after what is already
 * there (kube-proxy prepends its own jumps, so its chains come first): flannel's {@code
 * FLANNEL-POSTRTG} masquerade and {@code FLANNEL-FWD} accept chains, weave's {@code WEAVE}
 * masquerade chain, calico's {@code cali-nat-outgoing} (by ipset).
 */
public final class CniRules {

  private CniRules() {}

  /** {@code base} plus the plugin's rules on {@code node}. */
  public static NetfilterTables apply(NetfilterTables base, Cluster cluster, Node node) {
    CniConfig cni = cluster.config().cni();
    if (!cni.installed()) {
      return base;
    }
    NetfilterTables.Builder b = base.toBuilder();
    String c = cluster.config().podSubnet().toString();
    switch (cni.plugin()) {
      case flannel -> {
        if (node.podCidr() == null) {
          return base;
        }
        String l = node.podCidr().toString();
        String m = " -m comment --comment \"flanneld masq\" -j ";
        String f = " -m comment --comment \"flanneld forward\" -j ACCEPT";
        append(b, Table.NAT, "POSTROUTING", List.of(
            "-A POSTROUTING -m comment --comment \"flanneld masq\" -j FLANNEL-POSTRTG",
            "-A FLANNEL-POSTRTG -m mark --mark 0x4000/0x4000" + m + "RETURN",
            "-A FLANNEL-POSTRTG -s " + l + " -d " + c + m + "RETURN",
            "-A FLANNEL-POSTRTG -s " + c + " -d " + l + m + "RETURN",
            "-A FLANNEL-POSTRTG ! -s " + c + " -d " + l + m + "RETURN",
            "-A FLANNEL-POSTRTG -s " + c + " ! -d 224.0.0.0/4" + m + "MASQUERADE --random-fully",
            "-A FLANNEL-POSTRTG ! -s " + c + " -d " + c + m + "MASQUERADE --random-fully"));
        append(b, Table.FILTER, "FORWARD", List.of(
            "-A FORWARD -m comment --comment \"flanneld forward\" -j FLANNEL-FWD",
            "-A FLANNEL-FWD -s " + c + f,
            "-A FLANNEL-FWD -d " + c + f));
      }
      case weave -> {
        Cidr range = cni.ipallocRange() != null ? cni.ipallocRange()
            : cluster.config().podSubnet();
        String r = range.toString();
        append(b, Table.NAT, "POSTROUTING", List.of(
            "-A POSTROUTING -j WEAVE",
            "-A WEAVE -s " + r + " -d 224.0.0.0/4 -j RETURN",
            "-A WEAVE ! -s " + r + " -d " + r + " -j MASQUERADE",
            "-A WEAVE -s " + r + " ! -d " + r + " -j MASQUERADE"));
      }
      case calico -> append(b, Table.NAT, "POSTROUTING", List.of(
          "-A POSTROUTING -m comment --comment \"cali:O3lYWMrLQYEMJtB5\" -j cali-POSTROUTING",
          "-A cali-POSTROUTING -m comment --comment \"cali:nYKhEzDlr11Jccal\""
              + " -j cali-nat-outgoing",
          "-A cali-nat-outgoing -m comment --comment \"cali:flqWnvo8yq4ULQLa\" -m set"
              + " --match-set cali40masq-ipam-pools src -m set ! --match-set"
              + " cali40all-ipam-pools dst -j MASQUERADE --random-fully"));
      default -> {
        return base;
      }
    }
    return b.build();
  }

  /**
   * calico's ipsets: {@code cali40masq-ipam-pools} and {@code cali40all-ipam-pools} both hold the
   * pod network (one IP pool with natOutgoing).
   */
  public static boolean inCalicoSet(Cluster cluster, String set, io.kubewalk.sim.net.Ip ip) {
    return (set.equals("cali40masq-ipam-pools") || set.equals("cali40all-ipam-pools"))
        && cluster.config().podSubnet().contains(ip);
  }

  private static void append(NetfilterTables.Builder b, Table t, String builtin,
      List<String> rules) {
    for (String r : rules) {
      var rule = IptablesRestore.parseRule(r);
      b.ensureChain(t, rule.chain());
      if (rule.chain().equals(builtin)) {
        b.ensureRuleAppended(t, rule);
      } else {
        b.append(t, rule);
      }
    }
  }
}
