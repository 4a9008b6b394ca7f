package io.kubewalk.sim.proxy.ipvs;

import io.kubewalk.sim.net.Ip;
import io.kubewalk.sim.net.ipvs.IpSet;
import io.kubewalk.sim.net.ipvs.IpvsTable;
import java.util.List;

/**
 * What kube-proxy's IPVS mode programs on a node: the addresses bound to the {@code kube-ipvs0}
 * dummy device, the IPVS table, the ipsets (in kube-proxy's ipsetInfo order, empty ones included)
 * and the iptables rules, as {@code iptables-restore} input lines per table.
 */
public record IpvsState(
    List<Ip> dummyAddresses,
    IpvsTable ipvs,
    List<IpSet> ipsets,
    List<String> natLines,
    List<String> filterLines) {

  public IpvsState {
    dummyAddresses = List.copyOf(dummyAddresses);
    ipsets = List.copyOf(ipsets);
    natLines = List.copyOf(natLines);
    filterLines = List.copyOf(filterLines);
  }

  public IpSet ipset(String name) {
    return ipsets.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
  }

  /** The rules as one iptables-save/iptables-restore text: *nat then *filter. */
  public String iptablesText() {
    return String.join("\n", natLines) + "\n" + String.join("\n", filterLines) + "\n";
  }

  /** {@code ipset list}: every set, separated by blank lines, as ipset prints them. */
  public String ipsetList() {
    StringBuilder b = new StringBuilder();
    for (IpSet s : ipsets) {
      if (b.length() > 0) {
        b.append('\n');
      }
      b.append(s.list());
    }
    return b.toString();
  }
}
